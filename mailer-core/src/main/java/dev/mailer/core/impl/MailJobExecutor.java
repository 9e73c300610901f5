package dev.mailer.core.impl;

import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.sling.event.jobs.Job;
import org.apache.sling.event.jobs.consumer.JobExecutionContext;
import org.apache.sling.event.jobs.consumer.JobExecutionResult;
import org.apache.sling.event.jobs.consumer.JobExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.MailException;
import dev.mailer.api.SendResult;
import dev.mailer.commons.crypto.CipherException;
import dev.mailer.commons.crypto.SealedBytes;
import dev.mailer.commons.crypto.SecretCipher;
import dev.mailer.commons.metrics.MetricNames;
import dev.mailer.commons.metrics.Metrics;

/**
 * Delivers the jobs of a mail service's topic ({@link SlingJobsOutbox}) through the service's
 * {@link MailOutbox.Transmitter}, so on the same {@link SmtpSender}, connection pool and
 * {@code smtp.rate.per.minute} as {@code send}. A {@link JobExecutor} rather than a {@code JobConsumer}:
 * it gives each failed job its own retry delay (the outbox's back-off, {@code failed(delay)}) and a result
 * message, which the Sling Jobs console and the {@link dev.mailer.api.outbox.Outbox} view show. The
 * outcome is judged by the local outbox's {@link OutboxPolicy} ({@link JobVerdict}). Thread-safe.
 */
final class MailJobExecutor implements JobExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(MailJobExecutor.class);

    /** How long a job waits while the configuration is invalid (no outbox.retry.initial to take it from then). */
    static final long INVALID_CONFIGURATION_RETRY_MS = 60_000;

    private final SlingJobsOutbox outbox;
    private final SecretCipher cipher;
    private final Metrics metrics;
    private final Clock clock;
    /** The SIZE the server announced in its last EHLO; 0 while unknown. */
    private final AtomicLong serverSize = new AtomicLong();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Delivery delivery;

    /** One configuration's way of delivering; replaced as a whole. */
    private static final class Delivery {
        final SmtpSettings settings;
        final MailOutbox.Transmitter transmitter;
        final OutboxPolicy policy;
        final SendRate rate;

        Delivery(SmtpSettings settings, MailOutbox.Transmitter transmitter, Clock clock) {
            this.settings = settings;
            this.transmitter = transmitter;
            this.policy = settings == null ? null : OutboxPolicy.of(settings, clock);
            this.rate = new SendRate(settings == null ? 0 : settings.ratePerMinute);
        }
    }

    MailJobExecutor(SlingJobsOutbox outbox, SecretCipher cipher, Metrics metrics, Clock clock) {
        this.outbox = outbox;
        this.cipher = cipher;
        this.metrics = metrics;
        this.clock = clock;
    }

    void reconfigure(SmtpSettings settings, MailOutbox.Transmitter transmitter) {
        this.delivery = new Delivery(settings, transmitter, clock);
    }

    SmtpSettings settings() {
        return delivery.settings;
    }

    long serverSize() {
        return serverSize.get();
    }

    /** No new attempt starts after this (a job waiting for the rate limit is failed, and retried). */
    void close() {
        closed.countDown();
    }

    @Override
    public JobExecutionResult process(Job job, JobExecutionContext context) {
        Delivery current = delivery;
        if (current.settings == null || current.transmitter == null) {
            return context.result().message(OutboxFailures.waitingForValidConfiguration("see the log of DefaultMailService"))
                    .failed(INVALID_CONFIGURATION_RETRY_MS);
        }
        MailJob mail;
        try {
            mail = MailJob.fromProperties(job::getProperty);
        } catch (IllegalArgumentException e) {
            String text = OutboxFailures.unreadableJob(job.getId(), outbox.topic(), e.getMessage());
            LOG.error(text);
            return context.result().message(text).cancelled();
        }
        OutboxState before = OutboxState.ofJob(job.getId(), mail.messageId, mail.envelopeFrom, mail.recipients,
                mail.enqueuedAt, job.getRetryCount(), clock.instant());
        if (!awaitTurn(current.rate)) {
            return context.result().message(OutboxFailures.stoppedBeforeAttempt()).failed(current.settings.retryInitial.toMillis());
        }
        DeliveryOutcome outcome = null;
        OutboxPolicy.Next next;
        long start = System.nanoTime();
        try {
            outcome = current.transmitter.transmit(SealedBytes.open(mail.sealedMime, cipher), mail.envelopeFrom,
                    mail.recipients, serverSize::set);
            next = current.policy.afterOutcome(before, outcome);
        } catch (MailException e) {
            next = current.policy.afterFailure(before, e);
        } catch (CipherException e) {
            next = current.policy.afterFailure(before, OutboxFailures.jobNotDecrypted(job.getId(), e));
        }
        metrics.time(MetricNames.SEND_TIME, System.nanoTime() - start);
        return result(job, mail, JobVerdict.of(before, outcome, next, clock.instant()), outcome, context);
    }

    private JobExecutionResult result(Job job, MailJob mail, JobVerdict verdict, DeliveryOutcome outcome,
            JobExecutionContext context) {
        String id = job.getId();
        switch (verdict.kind) {
            case SUCCEEDED:
                if (!verdict.remaining.isEmpty()) {
                    try {
                        String next = outbox.addSealed(new MailJob(mail.sealedMime, mail.messageId, mail.envelopeFrom,
                                verdict.remaining, mail.enqueuedAt));
                        outbox.continued(id, next);
                        LOG.info("Delivered job {} ({}) to {}; {} go on in job {}", id, mail.messageId, outcome.accepted,
                                verdict.remaining, next);
                    } catch (MailException e) {
                        // not lost: the whole job is tried again (the accepted recipients may get it twice)
                        LOG.error("Delivered job {} ({}) to {}, but cannot add the job for {}: {}; the job is retried", id,
                                mail.messageId, outcome.accepted, verdict.remaining, e.getMessage());
                        return context.result().message(e.getMessage()).failed(delivery.settings.retryInitial.toMillis());
                    }
                } else {
                    LOG.info("Delivered job {} ({}) to {} after {} attempt(s): {}", id, mail.messageId, mail.recipients,
                            job.getRetryCount() + 1, verdict.message);
                    outbox.complete(id, new SendResult(mail.messageId, verdict.message, mail.recipients), null);
                }
                metrics.increment(MetricNames.MESSAGES_SENT);
                return context.result().message(verdict.message).succeeded();
            case FAILED:
                metrics.increment(MetricNames.MESSAGES_RETRIED);
                LOG.info("Retrying job {} ({}) for {} in {} ms (attempt {} failed: {})", id, mail.messageId, mail.recipients,
                        verdict.retryDelayMs, job.getRetryCount() + 1, verdict.message);
                return context.result().message(verdict.message).failed(verdict.retryDelayMs);
            default:
                metrics.increment(MetricNames.MESSAGES_FAILED);
                LOG.warn("Dead letter job {} ({}), not delivered to {}: {}", id, mail.messageId, mail.recipients, verdict.message);
                outbox.complete(id, null, verdict.dead);
                return context.result().message(verdict.message).cancelled();
        }
    }

    /** Waits for smtp.rate.per.minute's next start; false when the executor closes meanwhile. */
    private boolean awaitTurn(SendRate rate) {
        long wait = rate.reserve();
        try {
            return !closed.await(wait, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
