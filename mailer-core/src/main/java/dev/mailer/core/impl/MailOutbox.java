package dev.mailer.core.impl;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.MailException;
import dev.mailer.api.QueuedMail;
import dev.mailer.api.SendResult;
import dev.mailer.api.outbox.Outbox;
import dev.mailer.api.outbox.OutboxEntry;
import dev.mailer.api.outbox.OutboxSnapshot;
import dev.mailer.commons.crypto.CipherException;
import dev.mailer.commons.metrics.MetricNames;
import dev.mailer.commons.metrics.Metrics;

/**
 * The outbox of one configuration of the mail service: accepts rendered messages into the
 * {@link OutboxStore}, delivers them with an {@link OutboxWorker} through the {@link Transmitter}
 * (the service's {@link SmtpSender}), and applies the {@link OutboxPolicy} to each attempt's outcome.
 * A reconfiguration {@linkplain #close() closes} it and opens a new one on the same directory.
 * Thread-safe.
 */
final class MailOutbox implements Outbox, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MailOutbox.class);

    /** Sends ready MIME bytes with an explicit envelope: {@link SmtpSender#sendMime} with the service's token source. */
    @FunctionalInterface
    interface Transmitter {
        DeliveryOutcome transmit(byte[] mime, String envelopeFrom, List<String> recipients, LongConsumer serverSize)
                throws MailException;
    }

    private final OutboxStore store;
    private final SmtpSettings settings;
    private final Transmitter transmitter;
    private final Clock clock;
    private final OutboxPolicy policy;
    /** Counts deliveries, retries and dead letters, and times each attempt. */
    private final Metrics metrics;
    /** The completions of the messages enqueued in this JVM; shared with the next configuration's outbox. */
    private final Map<String, CompletableFuture<SendResult>> completions;
    /** The SIZE the server announced in its last EHLO; 0 while unknown. */
    private final AtomicLong serverSize = new AtomicLong();
    /** Created on first use; guarded by {@code this}. */
    private OutboxWorker worker;
    /** Set by {@link #close()}: no worker is started any more. Guarded by {@code this}. */
    private boolean closed;

    /**
     * @param settings null (with {@code transmitter}) when the configuration is invalid: the outbox can be
     *        looked at, retried and purged, but nothing is delivered until a valid configuration comes
     */
    MailOutbox(OutboxStore store, SmtpSettings settings, Transmitter transmitter, Clock clock,
            Map<String, CompletableFuture<SendResult>> completions, Metrics metrics) {
        this.store = store;
        this.metrics = metrics;
        this.settings = settings;
        this.transmitter = transmitter;
        this.clock = clock;
        this.completions = completions;
        this.policy = settings == null ? null : OutboxPolicy.of(settings, clock);
    }

    /** What a crash may leave in the directory is deleted once older than this. */
    private static final Duration LEFTOVER_AGE = Duration.ofHours(1);

    /**
     * Cleans up what a crash left, and starts delivering when the outbox holds messages (reads the
     * directory only: no network I/O).
     */
    void startIfQueued() {
        store.sweep(LEFTOVER_AGE);
        if (settings != null && !store.list().isEmpty()) {
            plan(null, null);
        }
    }

    /** Accepts a rendered message: checks its size, writes it durably, plans its delivery. */
    QueuedMail enqueue(SmtpSender.Rendered message) throws MailException {
        checkSize(message, settings, serverSize.get());
        OutboxState state = store.add(message.mime, message.messageId, message.envelopeFrom, message.recipients);
        CompletableFuture<SendResult> completion = new CompletableFuture<>();
        completions.put(state.id, completion);
        plan(state.id, state.nextAttemptAt);
        return new Queued(state.id, state.messageId, completion);
    }

    /** Refuses a message larger than outbox.message.max.size or the SIZE the server announced ({@code serverLimit}, 0: unknown). */
    static void checkSize(SmtpSender.Rendered message, SmtpSettings settings, long serverLimit) throws MailException {
        if (message.mime.length > settings.outboxMessageMaxSize) {
            throw OutboxFailures.tooLarge(message.mime.length, settings.outboxMessageMaxSize);
        }
        if (serverLimit > 0 && message.mime.length > serverLimit) {
            throw OutboxFailures.tooLargeForServer(message.mime.length, serverLimit, settings);
        }
    }

    @Override
    public OutboxSnapshot snapshot() {
        List<OutboxEntry> entries = new ArrayList<>();
        for (OutboxState state : store.list()) {
            entries.add(state.toEntry(store.isLockedHere(state.id)));
        }
        return new OutboxSnapshot(clock.instant(), entries);
    }

    @Override
    public boolean retry(String id) {
        try (OutboxStore.Lease lease = lease(id).orElse(null)) {
            if (lease == null) {
                return false;
            }
            lease.update(lease.state().retryNow(clock.instant()));
        } catch (IOException e) {
            LOG.warn("Cannot retry outbox message {}: {}", id, e.toString());
            return false;
        }
        if (settings != null) {
            plan(id, clock.instant());
        }
        return true;
    }

    @Override
    public boolean purge(String id) {
        try (OutboxStore.Lease lease = lease(id).orElse(null)) {
            if (lease == null) {
                return false;
            }
            lease.remove();
            LOG.info("Purged outbox message {} ({}); not delivered to {}", id, lease.state().messageId, lease.state().pending);
        } catch (IOException e) {
            LOG.warn("Cannot purge outbox message {}: {}", id, e.toString());
            return false;
        }
        complete(id, null, OutboxFailures.purged(id));
        return true;
    }

    @Override
    public int retryAllDead() {
        int count = 0;
        for (OutboxState state : store.list()) {
            if (state.dead && retry(state.id)) {
                count++;
            }
        }
        return count;
    }

    /** Stops delivering: attempts in flight may finish within outbox.shutdown.timeout, the rest stays queued. */
    @Override
    public void close() {
        OutboxWorker running;
        synchronized (this) {
            closed = true;
            running = worker;
        }
        if (running != null) {
            running.stop(settings.shutdownTimeout);
        }
    }

    /**
     * Plans an attempt of message {@code id} at {@code at} (none for a null id), starting the worker
     * on first use; after {@link #close()} nothing: the message stays in the outbox for the next start.
     */
    private void plan(String id, Instant at) {
        OutboxWorker current;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (worker == null) {
                worker = new OutboxWorker(settings.server(), settings.maxConnections, settings.ratePerMinute,
                        rescanInterval(), clock, this::attempt, this::rescan);
                worker.start();
            }
            current = worker;
        }
        if (id != null) {
            current.schedule(id, at);
        }
    }

    /** The worker, which runs the attempts and rescans (so it exists). */
    private synchronized OutboxWorker worker() {
        return worker;
    }

    /** Often enough to pick up what another instance left soon, rarely enough not to read the directory all the time. */
    private Duration rescanInterval() {
        Duration floor = Duration.ofSeconds(5);
        return settings.retryInitial.compareTo(floor) < 0 ? floor : settings.retryInitial;
    }

    private void rescan() {
        for (OutboxState state : store.list()) {
            if (!state.dead) {
                plan(state.id, state.nextAttemptAt);
            }
        }
    }

    private Optional<OutboxStore.Lease> lease(String id) {
        try {
            return store.tryLock(id);
        } catch (IOException e) {
            LOG.warn("Cannot lock outbox message {}: {}", id, e.toString());
            return Optional.empty();
        }
    }

    /** One delivery attempt of one message, under its lock; another holder means another attempt runs. */
    private void attempt(String id) {
        Instant again = null;
        try (OutboxStore.Lease lease = lease(id).orElse(null)) {
            if (lease == null || lease.state().dead) {
                return;
            }
            OutboxState state = lease.state();
            if (state.nextAttemptAt.isAfter(clock.instant())) {
                again = state.nextAttemptAt; // another instance made it wait meanwhile
                return;
            }
            if (!worker().awaitPermit()) {
                return;
            }
            again = deliver(lease, state);
        } finally {
            if (again != null) {
                plan(id, again);
            }
        }
    }

    /** @return when to try again, or null */
    private Instant deliver(OutboxStore.Lease lease, OutboxState state) {
        OutboxPolicy.Next next;
        DeliveryOutcome outcome = null;
        long start = System.nanoTime();
        try {
            outcome = transmitter.transmit(lease.mime(), state.envelopeFrom, state.pending, serverSize::set);
            next = policy.afterOutcome(state, outcome);
        } catch (MailException e) {
            next = policy.afterFailure(state, e);
        } catch (CipherException e) {
            // its key may come back (a CryptoService that starts later, a restored key file): retried, and the outbox shows why
            next = policy.afterFailure(state, OutboxFailures.notDecrypted(store.mimeFile(state.id), e));
        } catch (IOException e) {
            LOG.error("Cannot read outbox message {} in {}; it stays there", state.id, store.directory(), e);
            return null;
        }
        metrics.time(MetricNames.SEND_TIME, System.nanoTime() - start);
        try {
            if (next.delivered()) {
                lease.remove();
                List<String> delivered = new ArrayList<>(state.delivered);
                delivered.addAll(outcome.accepted);
                LOG.info("Delivered {} ({}) to {} after {} attempt(s): {}", state.id, state.messageId, delivered,
                        state.attempts + 1, outcome.reply);
                metrics.increment(MetricNames.MESSAGES_SENT);
                complete(state.id, new SendResult(state.messageId, outcome.reply, delivered), null);
                return null;
            }
            lease.update(next.state);
        } catch (IOException e) {
            // the message stays as it was: the server may get it once more, it is never lost
            LOG.error("Cannot record the delivery attempt of outbox message {} in {}", state.id, store.directory(), e);
            return clock.instant().plus(settings.retryInitial);
        }
        if (next.dead != null) {
            LOG.warn("Dead letter {} ({}), not delivered to {}: {}", state.id, state.messageId, next.state.pending,
                    next.dead.getMessage());
            metrics.increment(MetricNames.MESSAGES_FAILED);
            complete(state.id, null, next.dead);
            return null;
        }
        metrics.increment(MetricNames.MESSAGES_RETRIED);
        LOG.info("Retrying {} ({}) for {} at {} (attempt {} failed: {})", state.id, state.messageId, next.state.pending,
                next.state.nextAttemptAt, next.state.attempts, next.state.lastError);
        return next.state.nextAttemptAt;
    }

    private void complete(String id, SendResult result, MailException failure) {
        complete(completions, id, result, failure);
    }

    /** Completes (and forgets) the completion of message {@code id} enqueued in this JVM, if there is one: also the Sling Jobs outbox's. */
    static void complete(Map<String, CompletableFuture<SendResult>> completions, String id, SendResult result,
            MailException failure) {
        CompletableFuture<SendResult> completion = completions.remove(id);
        if (completion != null) {
            if (failure == null) {
                completion.complete(result);
            } else {
                completion.completeExceptionally(failure);
            }
        }
    }

    /** What {@link #enqueue} returns (and the Sling Jobs outbox's enqueue). */
    static final class Queued implements QueuedMail {
        private final String id;
        private final String messageId;
        private final CompletionStage<SendResult> completion;

        Queued(String id, String messageId, CompletableFuture<SendResult> completion) {
            this.id = id;
            this.messageId = messageId;
            // callers may not complete it themselves
            this.completion = completion.minimalCompletionStage();
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String messageId() {
            return messageId;
        }

        @Override
        public CompletionStage<SendResult> completion() {
            return completion;
        }

        @Override
        public String toString() {
            return "QueuedMail[" + id + ", " + messageId + "]";
        }
    }
}
