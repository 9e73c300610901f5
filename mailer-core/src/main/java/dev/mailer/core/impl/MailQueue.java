package dev.mailer.core.impl;

import dev.mailer.api.MailException;
import dev.mailer.api.QueuedMail;
import dev.mailer.api.outbox.Outbox;

/**
 * Where {@link DefaultMailService#enqueue} puts messages, and the {@link Outbox} view of them: the local
 * file outbox ({@link ServiceOutbox}) or Sling Jobs ({@link SlingJobsOutbox}), chosen on activation.
 * Thread-safe.
 */
interface MailQueue extends Outbox {

    QueuedMail enqueue(SmtpSender.Rendered message) throws MailException;

    /**
     * For a new configuration of the service: delivers with these settings and this transmitter from now on.
     *
     * @param settings null (with {@code transmitter}) for an invalid configuration: nothing is delivered
     */
    void reconfigure(SmtpSettings settings, MailOutbox.Transmitter transmitter);

    /** Stops delivering: attempts in flight finish (bounded by outbox.shutdown.timeout), the rest stays queued. */
    void close();

    /** How many enqueued messages of this JVM still wait for their outcome. */
    int pendingCompletions();
}
