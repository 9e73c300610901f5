package dev.mailer.health.impl;

import dev.mailer.commons.config.ConfigReader;
import dev.mailer.commons.config.InvalidConfigurationException;

/** The verdict on a check's own settings: an invalid value makes the check report it instead of running. */
final class CheckSettings {

    private CheckSettings() {
    }

    /** @return the problems {@code reader} recorded for the check {@code pid}, or null when there are none */
    static InvalidConfigurationException problems(ConfigReader reader, String pid) {
        try {
            reader.throwIfInvalid(pid);
            return null;
        } catch (InvalidConfigurationException e) {
            return e;
        }
    }
}
