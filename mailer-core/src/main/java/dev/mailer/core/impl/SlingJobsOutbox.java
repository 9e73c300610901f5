package dev.mailer.core.impl;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.sling.event.jobs.Job;
import org.apache.sling.event.jobs.JobManager;
import org.apache.sling.event.jobs.consumer.JobExecutor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.MailException;
import dev.mailer.api.QueuedMail;
import dev.mailer.api.SendResult;
import dev.mailer.api.outbox.OutboxEntry;
import dev.mailer.api.outbox.OutboxSnapshot;
import dev.mailer.commons.config.ServiceName;
import dev.mailer.commons.crypto.CipherException;
import dev.mailer.commons.crypto.SealedBytes;
import dev.mailer.commons.crypto.SecretCipher;
import dev.mailer.commons.metrics.Metrics;

/**
 * The outbox of {@link DefaultMailService} on Sling Jobs, when the container has a {@link JobManager}:
 * {@link #enqueue} adds a job of the service's topic ({@link MailJob}), {@link MailJobExecutor},
 * registered for that topic, delivers it through the service's sender, and the {@link dev.mailer.api.outbox.Outbox}
 * view reads and acts on the jobs: waiting ones, and cancelled ones (the dead letters, with their reason).
 * The jobs are in the repository, so they survive the instance and are shared by a cluster's instances.
 *
 * <p>The only class with {@link #open} that touches Sling Event's types besides the executor: it is loaded
 * only once a JobManager is bound, so the bundle resolves and runs without Sling Event. Thread-safe.
 */
final class SlingJobsOutbox implements MailQueue {

    private static final Logger LOG = LoggerFactory.getLogger(SlingJobsOutbox.class);

    /** The result of a message another instance of the cluster delivered: its server's reply is in that instance's log. */
    static final String FINISHED_ELSEWHERE = "delivered by another instance of the cluster (Sling Jobs removed the job, as it"
            + " does with jobs that succeeded; the server's reply is in that instance's log)";

    /** How often at most {@link #enqueue} looks for completions whose job another instance of the cluster finished. */
    static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);

    private final BundleContext context;
    private final ServiceReference<JobManager> reference;
    private final JobManager jobs;
    private final String topic;
    private final SecretCipher cipher;
    private final Clock clock;
    /** The completions of the messages enqueued in this JVM, completed when this JVM's executor finishes their job. */
    private final Map<String, CompletableFuture<SendResult>> completions = new ConcurrentHashMap<>();
    /** The message ID and recipients of each pending completion: what its result says once another instance delivered it. */
    private final Map<String, SendResult> pending = new ConcurrentHashMap<>();
    private final MailJobExecutor executor;
    private final ServiceRegistration<JobExecutor> registration;
    /** When {@link #completeFinishedElsewhere} looks next. */
    private final AtomicReference<Instant> nextSweep = new AtomicReference<>(Instant.MIN);

    SlingJobsOutbox(BundleContext context, ServiceReference<JobManager> reference, JobManager jobs, String topic,
            SecretCipher cipher, Metrics metrics, Clock clock, SmtpSettings settings, MailOutbox.Transmitter transmitter) {
        this.context = context;
        this.reference = reference;
        this.jobs = jobs;
        this.topic = topic;
        this.cipher = cipher;
        this.clock = clock;
        this.executor = new MailJobExecutor(this, cipher, metrics, clock);
        executor.reconfigure(settings, transmitter);
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(JobExecutor.PROPERTY_TOPICS, topic);
        this.registration = context.registerService(JobExecutor.class, executor, properties);
    }

    /**
     * Takes the JobManager of {@code reference}, configures the topic's queue, registers the executor, and moves
     * what the local outbox in {@code localOutbox} holds into jobs; logs the choice once.
     *
     * @param reference a {@code ServiceReference<JobManager>} (erased in the caller, which names no Sling type)
     * @return null when the JobManager is gone meanwhile (the caller keeps the local outbox)
     */
    @SuppressWarnings("unchecked")
    static MailQueue open(BundleContext context, ServiceReference<?> reference, ServiceName name, SecretCipher cipher,
            Metrics metrics, SmtpSettings settings, MailOutbox.Transmitter transmitter, Path localOutbox) {
        ServiceReference<JobManager> jobManager = (ServiceReference<JobManager>) reference;
        JobManager jobs = context.getService(jobManager);
        if (jobs == null) {
            return null;
        }
        String topic = MailJob.topic(name);
        String queue = settings == null ? null : QueueConfigurations.write(context, topic, settings);
        SlingJobsOutbox outbox = new SlingJobsOutbox(context, jobManager, jobs, topic, cipher, metrics, Clock.systemUTC(),
                settings, transmitter);
        LOG.info("Outbox of the mail service {}: Sling Jobs, topic {}, queue configuration {}", name, topic,
                queue == null ? "none (Sling's main queue)" : queue);
        if (localOutbox != null) {
            OutboxMigration.move(new OutboxStore(localOutbox, Clock.systemUTC(), cipher), outbox::add, "Sling Jobs (" + topic + ")");
        }
        return outbox;
    }

    String topic() {
        return topic;
    }

    @Override
    public QueuedMail enqueue(SmtpSender.Rendered message) throws MailException {
        completeFinishedElsewhere();
        MailOutbox.checkSize(message, executor.settings(), executor.serverSize());
        String id = add(message.mime, message.messageId, message.envelopeFrom, message.recipients, clock.instant());
        CompletableFuture<SendResult> completion = new CompletableFuture<>();
        pending.put(id, new SendResult(message.messageId, FINISHED_ELSEWHERE, message.recipients));
        completions.put(id, completion);
        return new MailOutbox.Queued(id, message.messageId, completion);
    }

    /** Adds the job of a message; when this returns, the message is in the repository. */
    String add(byte[] mime, String messageId, String envelopeFrom, List<String> recipients, Instant ageFrom)
            throws MailException {
        byte[] sealed;
        try {
            sealed = SealedBytes.seal(mime, cipher);
        } catch (CipherException e) {
            throw OutboxFailures.notEncrypted(e);
        }
        return addSealed(new MailJob(sealed, messageId, envelopeFrom, recipients, ageFrom));
    }

    /** Adds the job of an already sealed message (the rest of a partly delivered one). */
    String addSealed(MailJob mail) throws MailException {
        Job job = jobs.addJob(topic, mail.toProperties());
        if (job == null) {
            throw OutboxFailures.jobNotAdded(topic);
        }
        return job.getId();
    }

    @Override
    public void reconfigure(SmtpSettings settings, MailOutbox.Transmitter transmitter) {
        if (settings != null) {
            QueueConfigurations.write(context, topic, settings);
        }
        executor.reconfigure(settings, transmitter);
    }

    @Override
    public void close() {
        registration.unregister();
        executor.close();
        context.ungetService(reference);
    }

    @Override
    public OutboxSnapshot snapshot() {
        List<OutboxEntry> entries = new ArrayList<>();
        for (Job job : jobs.findJobs(JobManager.QueryType.ALL, topic, -1)) {
            entries.add(entry(job, false));
        }
        for (Job job : jobs.findJobs(JobManager.QueryType.HISTORY, topic, -1)) {
            if (job.getJobState() != Job.JobState.SUCCEEDED) {
                entries.add(entry(job, true));
            }
        }
        return new OutboxSnapshot(clock.instant(), entries);
    }

    private static OutboxEntry entry(Job job, boolean dead) {
        OutboxEntry.State state = dead ? OutboxEntry.State.DEAD
                : job.getJobState() == Job.JobState.ACTIVE ? OutboxEntry.State.SENDING
                : job.getRetryCount() == 0 ? OutboxEntry.State.QUEUED : OutboxEntry.State.WAITING;
        Object enqueued = job.getProperty(MailJob.ENQUEUED_AT);
        String messageId = MailJob.messageIdOf(job::getProperty);
        return OutboxEntry.builder().id(job.getId()).messageId(messageId.isEmpty() ? "(none)" : messageId).state(state)
                .attempts(job.getRetryCount() + (dead ? 1 : 0))
                .enqueuedAt(enqueued instanceof Number ? Instant.ofEpochMilli(((Number) enqueued).longValue())
                        : job.getCreated().toInstant())
                .lastError(job.getResultMessage()).pendingRecipients(MailJob.recipientsOf(job::getProperty)).build();
    }

    /** A cancelled job (a dead letter) is queued again; a waiting one is retried by its queue after its delay (false). */
    @Override
    public boolean retry(String id) {
        Job job = jobs.getJobById(id);
        if (job == null || !topic.equals(job.getTopic()) || !isDead(job)) {
            return false;
        }
        return jobs.retryJobById(id) != null;
    }

    @Override
    public boolean purge(String id) {
        Job job = jobs.getJobById(id);
        if (job == null || !topic.equals(job.getTopic()) || job.getJobState() == Job.JobState.ACTIVE || !jobs.removeJobById(id)) {
            return false;
        }
        LOG.info("Purged outbox job {} ({}); not delivered to {}", id, MailJob.messageIdOf(job::getProperty),
                MailJob.recipientsOf(job::getProperty));
        complete(id, null, OutboxFailures.purged(id));
        return true;
    }

    @Override
    public int retryAllDead() {
        int count = 0;
        for (Job job : jobs.findJobs(JobManager.QueryType.HISTORY, topic, -1)) {
            if (isDead(job) && jobs.retryJobById(job.getId()) != null) {
                count++;
            }
        }
        return count;
    }

    private static boolean isDead(Job job) {
        Job.JobState state = job.getJobState();
        return state == Job.JobState.ERROR || state == Job.JobState.GIVEN_UP || state == Job.JobState.STOPPED
                || state == Job.JobState.DROPPED;
    }

    @Override
    public int pendingCompletions() {
        return completions.size();
    }

    /** Completes the completion of a job enqueued in this JVM. */
    void complete(String id, SendResult result, MailException failure) {
        MailOutbox.complete(completions, id, result, failure);
        pending.remove(id);
    }

    /**
     * Completes the completions of jobs that another instance of the cluster finished (this instance's executor
     * completes its own at once), from the job's state, so that none waits, nor stays in memory, for ever. A job that
     * is gone was delivered: Sling Jobs removes a job that succeeded (unless its queue keeps jobs: then it is in the
     * history as succeeded, with its result) and keeps a cancelled one (with its reason), and a purge on this instance
     * completes the completion at once. At most once per {@link #SWEEP_INTERVAL}, on {@link #enqueue}.
     */
    void completeFinishedElsewhere() {
        Instant now = clock.instant();
        Instant due = nextSweep.get();
        if (now.isBefore(due) || !nextSweep.compareAndSet(due, now.plus(SWEEP_INTERVAL))) {
            return;
        }
        for (String id : List.copyOf(completions.keySet())) {
            Job job = jobs.getJobById(id);
            if (job == null) {
                complete(id, pending.get(id), null); // a no-op when this instance's executor completed it meanwhile
            } else if (job.getJobState() == Job.JobState.SUCCEEDED) {
                String reply = job.getResultMessage();
                complete(id, new SendResult(MailJob.messageIdOf(job::getProperty), reply == null ? "delivered" : reply,
                        MailJob.recipientsOf(job::getProperty)), null);
            } else if (isDead(job)) {
                complete(id, null, OutboxFailures.cancelledElsewhere(id, job.getResultMessage()));
            }
        }
    }

    /** The rest of a partly delivered message went on in job {@code next}: its completion follows that job. */
    void continued(String id, String next) {
        CompletableFuture<SendResult> completion = completions.remove(id);
        SendResult message = pending.remove(id);
        if (completion != null) {
            if (message != null) {
                pending.put(next, message);
            }
            completions.put(next, completion);
        }
    }
}
