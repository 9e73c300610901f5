package dev.mailer.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Sends mail. Implementations are OSGi services, safe to call from many threads at once.
 *
 * <p>A call either returns once the SMTP server has accepted the message, or throws a
 * {@link MailException} that names the cause (a setting, an address, a server reply) and says
 * whether trying again later can help.
 *
 * <p>{@link #enqueue(Email)} hands the message to a durable outbox instead: once it returns, the
 * message is on disk and the service delivers it, retrying transient failures, also after a restart.
 */
@ProviderType
public interface MailService {

    /**
     * The service property that names a mail service of several in one container ({@code bulk},
     * {@code notifications}): a configuration's {@code mail.service.name}, or the NAME of its factory
     * configuration {@code dev.mailer.core.impl.DefaultMailService~NAME}. The service of the plain
     * (singleton) configuration has none; Declarative Services takes either the plain configuration
     * or factory configurations of one PID, not both. Select one with {@code (mail.service.name=bulk)}.
     *
     * @since 1.3
     */
    String SERVICE_NAME = "mail.service.name";

    /**
     * Sends one message.
     *
     * @param email the message; when it has no From, the service's configured sender is used
     * @return what the server answered when it accepted the message
     * @throws MailException when the message was not accepted
     */
    SendResult send(Email email) throws MailException;

    /**
     * Puts one message into the outbox and returns once it is durably written (forced to disk). The
     * service then delivers it in the background: transient failures (4xx replies, timeouts, lost
     * connections, an unreachable token endpoint) are retried with back-off up to a maximum age,
     * permanent ones make it a dead letter at once. A message leaves the outbox only after the server
     * accepted it, so a crash during a delivery may send it twice (with the same {@code Message-ID}),
     * never zero times. Recipients the server accepted are never sent to again.
     *
     * @param email the message; when it has no From, the service's configured sender is used
     * @return the queued message: its outbox id, {@code Message-ID} and the completion of its delivery
     * @throws MailException when the message was not accepted into the outbox: the outbox cannot be
     *         written (the message names the directory), the message is larger than the limit (it
     *         names both sizes), or the configuration is invalid; nothing was queued then
     * @since 1.1
     */
    QueuedMail enqueue(Email email) throws MailException;

    /**
     * Sends a ready MIME message to its envelope recipients, as {@link #send(Email)} does: the same
     * authentication, connection pool, token retry and diagnosis. Every recipient must be accepted,
     * else nothing is sent and the failure is thrown.
     *
     * @return what the server answered; the Message-ID is the message's own (or the one it was given)
     * @throws MailException when the message was not accepted
     * @since 1.3
     */
    SendResult send(MimeMail mail) throws MailException;

    /**
     * Puts a ready MIME message into the outbox, as {@link #enqueue(Email)} does.
     *
     * @since 1.3
     */
    QueuedMail enqueue(MimeMail mail) throws MailException;
}
