package dev.mailer.api;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A message {@linkplain MailService#enqueue(Email) accepted into the outbox}: it is on disk and will
 * be delivered, retried or dead-lettered by the mail service, also after a restart.
 *
 * @since 1.1
 */
@ProviderType
public interface QueuedMail {

    /** The outbox id of the message, as {@code dev.mailer.api.outbox.Outbox} lists it. */
    String id();

    /** The {@code Message-ID} header of the message, e.g. {@code <123.456@host>}; the same on every attempt. */
    String messageId();

    /**
     * Completes with the server's reply once every recipient was accepted; completes exceptionally
     * with the {@link MailException} that made the message a dead letter (a permanent failure, or
     * transient ones for longer than the configured maximum age), or when an operator purged it from
     * the outbox. Never completes for a message still queued when the service stops: that message is
     * delivered after the restart, and the outbox, not this stage, tells its fate then.
     */
    CompletionStage<SendResult> completion();
}
