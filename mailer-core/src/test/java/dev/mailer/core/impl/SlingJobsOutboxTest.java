package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sling.event.jobs.Job;
import org.apache.sling.event.jobs.JobManager;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;

import dev.mailer.api.MailException;
import dev.mailer.api.QueuedMail;
import dev.mailer.api.SendResult;
import dev.mailer.commons.crypto.SecretCiphers;
import dev.mailer.commons.metrics.Metrics;
import dev.mailer.commons.testing.MutableClock;

/**
 * In a cluster another instance may run the job of a message enqueued here: its completion follows the job's state
 * in Sling Jobs (a JobManager of plain maps here, with Sling's rules: a job that succeeded is removed unless its
 * queue keeps jobs, a cancelled one is kept; the outbox on a real one is JobsOutboxIT's), so that none waits, nor
 * stays in memory, for ever.
 */
class SlingJobsOutboxTest {

    private final MutableClock clock = new MutableClock();
    private final FakeJobs jobs = new FakeJobs();
    private final SlingJobsOutbox outbox = outbox();

    @Test
    void aJobAnotherInstanceDeliveredAndItsQueueKeptCompletesTheCompletionWithItsResultAtTheNextEnqueue() throws Exception {
        QueuedMail queued = outbox.enqueue(message("<one@example.com>"));
        jobs.finish(queued.id(), Job.JobState.SUCCEEDED, "250 2.0.0 OK queued as 7");
        enqueueAfterTheSweepInterval();

        assertDeliveredWith("250 2.0.0 OK queued as 7", queued);
        assertEquals(1, outbox.pendingCompletions(), "only the second message's completion is left");
    }

    @Test
    void aJobAnotherInstanceCancelledFailsTheCompletionWithItsReason() throws Exception {
        QueuedMail queued = outbox.enqueue(message("<one@example.com>"));
        jobs.finish(queued.id(), Job.JobState.ERROR, "550 5.1.1 <jane@example.com>: Recipient address rejected");
        enqueueAfterTheSweepInterval();

        MailException failure = failureOf(queued.completion().toCompletableFuture());
        assertEquals("550 5.1.1 <jane@example.com>: Recipient address rejected", failure.getMessage());
        assertFalse(failure.isTransient());
    }

    @Test
    void aJobGoneFromSlingJobsWasDeliveredByAnotherInstanceAsSlingRemovesJobsThatSucceeded() throws Exception {
        QueuedMail queued = outbox.enqueue(message("<one@example.com>"));
        jobs.remove(queued.id());
        enqueueAfterTheSweepInterval();

        assertDeliveredWith(SlingJobsOutbox.FINISHED_ELSEWHERE, queued);
    }

    @Test
    void aWaitingJobKeepsItsCompletionAndTheJobsAreLookedAtAtMostOncePerInterval() throws Exception {
        QueuedMail queued = outbox.enqueue(message("<one@example.com>"));
        enqueueAfterTheSweepInterval();
        int lookups = jobs.lookups.get();

        outbox.enqueue(message("<three@example.com>"));
        outbox.enqueue(message("<four@example.com>"));

        assertEquals(1, lookups, "the first sweep looked at the one job enqueued before it");
        assertEquals(lookups, jobs.lookups.get(), "no sweep again within the interval");
        assertFalse(queued.completion().toCompletableFuture().isDone());
        assertEquals(4, outbox.pendingCompletions());
    }

    /** The next message, once the sweep interval has passed: the enqueue that looks at the jobs. */
    private void enqueueAfterTheSweepInterval() throws MailException {
        clock.advance(SlingJobsOutbox.SWEEP_INTERVAL);
        outbox.enqueue(message("<two@example.com>"));
    }

    /** The completion of the first message, to jane@example.com, succeeded with {@code reply}. */
    private static void assertDeliveredWith(String reply, QueuedMail queued) {
        SendResult result = queued.completion().toCompletableFuture().getNow(null);
        assertEquals(reply, result.getServerReply());
        assertEquals("<one@example.com>", result.getMessageId());
        assertEquals(List.of("jane@example.com"), result.getRecipients());
    }

    private SlingJobsOutbox outbox() {
        try {
            SmtpSettings settings = SmtpSettings.from(Map.of("smtp.host", "localhost", "from.address", "sender@example.com"));
            MailOutbox.Transmitter elsewhere = (mime, from, recipients, size) -> {
                throw new AssertionError("delivered by other instances in these tests");
            };
            BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {BundleContext.class}, (proxy, method, args) -> null);
            return new SlingJobsOutbox(context, null, jobs.manager(), "dev/mailer/send", SecretCiphers.none(), new Metrics(), clock,
                    settings, elsewhere);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static SmtpSender.Rendered message(String messageId) {
        return new SmtpSender.Rendered(("Message-ID: " + messageId + "\r\n\r\nHello\r\n").getBytes(StandardCharsets.US_ASCII),
                messageId, "sender@example.com", List.of("jane@example.com"));
    }

    private static MailException failureOf(CompletableFuture<SendResult> completion) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> completion.get(1, TimeUnit.SECONDS));
        return (MailException) e.getCause();
    }

    /** The jobs Sling would keep: their properties, state and result message; a job removed is gone. */
    private static final class FakeJobs {
        private final Map<String, Map<String, Object>> properties = new HashMap<>();
        private final Map<String, Job.JobState> states = new HashMap<>();
        private final Map<String, String> results = new HashMap<>();
        final AtomicInteger lookups = new AtomicInteger();

        void finish(String id, Job.JobState state, String result) {
            states.put(id, state);
            results.put(id, result);
        }

        void remove(String id) {
            properties.remove(id);
        }

        JobManager manager() {
            return (JobManager) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {JobManager.class},
                    (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "addJob":
                                String id = "job-" + properties.size();
                                @SuppressWarnings("unchecked")
                                Map<String, Object> added = (Map<String, Object>) args[1];
                                properties.put(id, added);
                                states.put(id, Job.JobState.QUEUED);
                                return job(id);
                            case "getJobById":
                                lookups.incrementAndGet();
                                return properties.containsKey((String) args[0]) ? job((String) args[0]) : null;
                            default:
                                throw new UnsupportedOperationException(method.getName());
                        }
                    });
        }

        private Job job(String id) {
            return (Job) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Job.class}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "getId":
                        return id;
                    case "getJobState":
                        return states.get(id);
                    case "getResultMessage":
                        return results.get(id);
                    case "getProperty":
                        return properties.get(id).get((String) args[0]);
                    default:
                        throw new UnsupportedOperationException(method.getName());
                }
            });
        }
    }
}
