package dev.mailer.api.check;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A component's own view of whether its configuration can do its job, published as a whiteboard
 * service by components other than the mail service (the SMTP relay: "listens, but relays
 * nothing"), so that {@code check} and consoles show it next to the {@link ConnectionCheck}.
 * Thread-safe; answers at once, without network I/O.
 *
 * @since 1.3
 */
@ConsumerType
public interface SelfCheck {

    /** @return one step, named after the component (e.g. {@code relay}): PASS, WARN or FAIL with its fix */
    CheckStep check();
}
