package dev.mailer.commons.config;

import org.osgi.framework.BundleContext;

/**
 * Whether components that serve local clients (the SMTP relay) may open their port. A framework that
 * runs one command and stops (the launcher's {@code check}, {@code send}, ...) sets {@value #PROPERTY}
 * to {@code false}: those components then read and check their configuration, for {@code check}, but
 * never take a port a running {@code serve} holds or would need.
 */
public final class Listening {

    /** Framework property; anything but {@code false} (also: unset) allows listening. */
    public static final String PROPERTY = "mailer.listen";

    private Listening() {
    }

    public static boolean allowed(BundleContext context) {
        return !"false".equalsIgnoreCase(context.getProperty(PROPERTY));
    }
}
