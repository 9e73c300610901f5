package dev.mailer.core.impl;

import static dev.mailer.core.impl.OutboxTestSupport.await;
import static dev.mailer.core.impl.OutboxTestSupport.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.QueuedMail;
import dev.mailer.api.SendResult;
import dev.mailer.commons.metrics.Metrics;

/**
 * Stopping the outbox: no new attempt starts, the one in flight may finish within
 * outbox.shutdown.timeout, the rest stays queued. The transmitter is a fake that the test holds.
 */
class MailOutboxShutdownTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path data;

    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger started = new AtomicInteger();

    private final MailOutbox.Transmitter heldTransmitter = (mime, from, recipients, size) -> {
        started.incrementAndGet();
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MailException.transientFailure("The connection was interrupted.").build();
        }
        return new DeliveryOutcome(recipients, Map.of(), "250 2.0.0 OK");
    };

    private MailOutbox outbox(String shutdownTimeout, MailOutbox.Transmitter transmitter) throws Exception {
        Map<String, Object> config = config(2525);
        config.put("smtp.max.connections", 1);
        config.put("outbox.shutdown.timeout", shutdownTimeout);
        return new MailOutbox(new OutboxStore(data, Clock.systemUTC()), SmtpSettings.from(config), transmitter,
                Clock.systemUTC(), new ConcurrentHashMap<>(), new Metrics());
    }

    private static SmtpSender.Rendered rendered(int n) throws Exception {
        SmtpSettings settings = SmtpSettings.from(config(2525));
        return new SmtpSender(settings, null).render(Email.builder().to("jane@example.com").text("message " + n).build());
    }

    @Test
    void theDeliveryInFlightFinishesDuringTheStopAndTheQueuedOneStaysQueued() throws Exception {
        MailOutbox outbox = outbox("PT10S", heldTransmitter);
        QueuedMail inFlight = outbox.enqueue(rendered(1));
        QueuedMail waiting = outbox.enqueue(rendered(2));
        await(() -> started.get() == 1, WAIT, "the first delivery started");

        Thread stopping = new Thread(outbox::close, "stopping");
        stopping.start();
        // the stop has begun once it waits for the delivery in flight (a timed wait, after it told the worker to stop):
        // releasing the delivery earlier would let the worker start the next one before the stop began
        await(() -> stopping.getState() == Thread.State.TIMED_WAITING, WAIT, "the stop waits for the delivery in flight");
        release.countDown();
        stopping.join(10_000);
        assertFalse(stopping.isAlive(), "the stop ended once the delivery in flight did");

        SendResult delivered = inFlight.completion().toCompletableFuture().get(1, TimeUnit.SECONDS);
        assertEquals("250 2.0.0 OK", delivered.getServerReply());
        assertEquals(1, started.get(), "no new delivery after the stop began");
        assertEquals(List.of(waiting.id()), ids(outbox));
        assertFalse(waiting.completion().toCompletableFuture().isDone(), "a message left queued has no outcome yet");
    }

    @Test
    void aDeliveryLongerThanTheShutdownTimeoutDoesNotHoldTheStopAndRecordsItsOutcomeWhenItEnds() throws Exception {
        MailOutbox outbox = outbox("PT0.2S", heldTransmitter);
        QueuedMail inFlight = outbox.enqueue(rendered(1));
        await(() -> started.get() == 1, WAIT, "the delivery started");

        long start = System.nanoTime();
        outbox.close();
        long stoppedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertTrue(stoppedAfter < 5_000, "bounded: " + stoppedAfter + " ms");
        assertEquals(List.of(inFlight.id()), ids(outbox), "in the outbox while its attempt runs");
        release.countDown();
        SendResult delivered = inFlight.completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("250 2.0.0 OK", delivered.getServerReply());
        await(() -> ids(outbox).isEmpty(), WAIT, "the accepted message removed: not sent again after a restart");
    }

    @Test
    void aTokenEndpointThatFailsTransientlyMakesTheMessageWaitThenItIsDelivered() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        MailOutbox outbox = outbox("PT5S", (mime, from, recipients, size) -> {
            switch (calls.incrementAndGet()) {
                case 1:
                    throw MailException.transientFailure("The token endpoint answered HTTP 503 Service Unavailable.").build();
                case 2:
                    throw MailException.transientFailure("The token endpoint answered HTTP 429 Too Many Requests.").build();
                case 3:
                    throw MailException.transientFailure("The token endpoint did not answer within 10000 ms.").build();
                default:
                    return new DeliveryOutcome(recipients, Map.of(), "250 2.0.0 OK");
            }
        });
        try {
            QueuedMail queued = outbox.enqueue(rendered(1));

            queued.completion().toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertEquals(4, calls.get());
            assertTrue(outbox.snapshot().getEntries().isEmpty());
        } finally {
            outbox.close();
        }
    }

    @Test
    void aMessageEnqueuedAfterTheStopStaysQueuedForTheNextStartWhichDeliversIt() throws Exception {
        AtomicInteger closedSent = new AtomicInteger();
        MailOutbox stopped = outbox("PT5S", (mime, from, recipients, size) -> {
            closedSent.incrementAndGet();
            return new DeliveryOutcome(recipients, Map.of(), "250 2.0.0 OK");
        });
        stopped.close();

        QueuedMail queued = stopped.enqueue(rendered(1));

        AtomicInteger nextSent = new AtomicInteger();
        MailOutbox next = outbox("PT5S", (mime, from, recipients, size) -> {
            nextSent.incrementAndGet();
            return new DeliveryOutcome(recipients, Map.of(), "250 2.0.0 OK");
        });
        try {
            next.startIfQueued();
            await(() -> next.snapshot().getEntries().isEmpty(), WAIT, "delivered by the next start");
        } finally {
            next.close();
        }
        assertEquals(1, nextSent.get());
        assertEquals(0, closedSent.get(), "the stopped outbox started no worker");
        assertFalse(queued.completion().toCompletableFuture().isDone());
    }

    private static List<String> ids(MailOutbox outbox) {
        return outbox.snapshot().getEntries().stream().map(e -> e.getId()).collect(Collectors.toList());
    }
}
