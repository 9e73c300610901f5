package dev.mailer.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Sends mail. Implementations are OSGi services, safe to call from many threads at once.
 *
 * <p>A call either returns once the SMTP server has accepted the message, or throws a
 * {@link MailException} that names the cause (a setting, an address, a server reply) and says
 * whether trying again later can help.
 */
@ProviderType
public interface MailService {

    /**
     * Sends one message.
     *
     * @param email the message; when it has no From, the service's configured sender is used
     * @return what the server answered when it accepted the message
     * @throws MailException when the message was not accepted
     */
    SendResult send(Email email) throws MailException;
}
