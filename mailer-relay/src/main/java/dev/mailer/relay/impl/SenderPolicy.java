package dev.mailer.relay.impl;

import java.util.Locale;

/** Whose address a relayed message goes out with. */
enum SenderPolicy {

    /** The device's envelope sender and From, as it sent them (the login must be allowed to send as them). */
    KEEP,

    /**
     * The mail service's {@code from.address}, in the envelope and the From header; the device's From
     * becomes the Reply-To when the message has none, so answers still reach a person.
     */
    REWRITE;

    /** @throws IllegalArgumentException naming the values there are */
    static SenderPolicy parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + text + "\" is neither keep nor rewrite");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
