package dev.mailer.commons.config;

import java.util.List;

import dev.mailer.api.MailException;

/** A configuration is unusable; the message lists every problem, each as {@code property: what to do}. */
public final class InvalidConfigurationException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String firstProperty;

    InvalidConfigurationException(String pid, List<String[]> problems) {
        super(describe(pid, problems));
        this.firstProperty = problems.get(0)[0];
    }

    /** A single problem found outside a {@link ConfigReader}, e.g. while loading a file a property names. */
    public static InvalidConfigurationException of(String pid, String property, String text) {
        return new InvalidConfigurationException(pid, List.<String[]>of(new String[] {property, text}));
    }

    /** The property of the first problem. */
    public String firstProperty() {
        return firstProperty;
    }

    /**
     * What a component with this configuration answers every call with: a permanent failure that
     * lists the problems and names the first property.
     */
    public MailException toMailException() {
        return MailException.permanentFailure(getMessage())
                .setting(firstProperty)
                .diagnosis("Fix the configuration (its .cfg.json file, environment variables and secret files); nothing was sent.")
                .build();
    }

    private static String describe(String pid, List<String[]> problems) {
        StringBuilder text = new StringBuilder("The configuration of " + pid + " is invalid: ");
        for (int i = 0; i < problems.size(); i++) {
            text.append(i == 0 ? "" : "; ").append(problems.get(i)[0]).append(": ").append(problems.get(i)[1]);
        }
        return text.append('.').toString();
    }
}
