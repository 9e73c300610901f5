package dev.mailer.core.impl;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import dev.mailer.api.MailException;
import dev.mailer.api.QueuedMail;
import dev.mailer.api.SendResult;
import dev.mailer.api.outbox.OutboxSnapshot;
import dev.mailer.commons.crypto.SecretCipher;
import dev.mailer.commons.metrics.Metrics;

/**
 * The outbox of {@link DefaultMailService} across its configurations: one {@link MailOutbox} per
 * configuration in {@code outbox/} of the bundle data area, closed (deliveries in flight finish,
 * bounded by {@code outbox.shutdown.timeout}) before the next one opens. The completions of the
 * messages enqueued in this JVM outlive each configuration. Without a data area there is no
 * outbox: {@link #enqueue} fails saying so and the view is empty. Messages are encrypted with the
 * service's {@link SecretCipher} when it has a CryptoService. Thread-safe.
 */
final class ServiceOutbox implements MailQueue {

    private final Clock clock;
    private final SecretCipher cipher;
    private final Metrics metrics;
    private final Map<String, CompletableFuture<SendResult>> completions = new ConcurrentHashMap<>();
    /** {@code outbox/} in the bundle data area; null without one. Guarded by {@code this}. */
    private Path directory;
    /** The outbox of the current configuration; replaced (under {@code this}) with it. */
    private volatile MailOutbox current;

    ServiceOutbox(Clock clock, SecretCipher cipher, Metrics metrics) {
        this.clock = clock;
        this.cipher = cipher;
        this.metrics = metrics;
    }

    /** Opens the outbox in {@code directory} and starts delivering what it holds. */
    synchronized void open(Path directory, SmtpSettings settings, MailOutbox.Transmitter transmitter) {
        this.directory = directory;
        reconfigure(settings, transmitter);
    }

    /**
     * For a new configuration: closes the current outbox, then opens the new configuration's one
     * (when there is a data area) and starts delivering what it holds.
     *
     * @param settings null (with {@code transmitter}) for an invalid configuration: nothing is delivered
     */
    @Override
    public synchronized void reconfigure(SmtpSettings settings, MailOutbox.Transmitter transmitter) {
        close();
        if (directory != null) {
            MailOutbox next = new MailOutbox(new OutboxStore(directory, clock, cipher), settings, transmitter, clock, completions,
                    metrics);
            current = next;
            next.startIfQueued();
        }
    }

    /** Lets the deliveries in flight finish (bounded) and leaves the rest queued. */
    @Override
    public synchronized void close() {
        MailOutbox outbox = current;
        if (outbox != null) {
            outbox.close();
        }
    }

    @Override
    public QueuedMail enqueue(SmtpSender.Rendered message) throws MailException {
        MailOutbox outbox = current;
        if (outbox == null) {
            throw OutboxFailures.noDataArea();
        }
        return outbox.enqueue(message);
    }

    @Override
    public OutboxSnapshot snapshot() {
        MailOutbox outbox = current;
        return outbox == null ? new OutboxSnapshot(clock.instant(), List.of()) : outbox.snapshot();
    }

    @Override
    public boolean retry(String id) {
        MailOutbox outbox = current;
        return outbox != null && outbox.retry(id);
    }

    @Override
    public boolean purge(String id) {
        MailOutbox outbox = current;
        return outbox != null && outbox.purge(id);
    }

    @Override
    public int retryAllDead() {
        MailOutbox outbox = current;
        return outbox == null ? 0 : outbox.retryAllDead();
    }

    /** How many enqueued messages of this JVM still wait for their outcome (the only per-message state kept in memory). */
    @Override
    public int pendingCompletions() {
        return completions.size();
    }
}
