package dev.mailer.core.impl;

import static dev.mailer.core.impl.OutboxTestSupport.await;
import static dev.mailer.core.impl.OutboxTestSupport.config;
import static dev.mailer.core.impl.OutboxTestSupport.messageIds;
import static dev.mailer.core.impl.OutboxTestSupport.server;
import static dev.mailer.core.impl.OutboxTestSupport.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.Email;
import dev.mailer.api.QueuedMail;
import dev.mailer.api.outbox.OutboxEntry;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * Many messages, outages and restarts against a real server on loopback: every message arrives,
 * none twice. The counts are system properties ({@code outbox.load.messages}, default 1,000; the
 * issue's figure is 10,000), so that the build stays quick and a dedicated run can use the full figure.
 */
class OutboxLoadTest {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxLoadTest.class);

    private static final int LOAD = Integer.getInteger("outbox.load.messages", 1_000);
    private static final int DOWN = Integer.getInteger("outbox.down.messages", 200);
    private static final int DRAIN = Integer.getInteger("outbox.drain.messages", 1_000);
    private static final Duration WAIT = Duration.ofSeconds(Integer.getInteger("outbox.load.wait.seconds", 120));
    /** What a full collection may leave over (class loading, JIT, caches), far below a retained copy per message at 10,000. */
    private static final long HEAP_SLACK_BYTES = 16L * 1024 * 1024;
    /** How long the server stays down in the outage test: the 20 s. */
    private static final Duration OUTAGE = Duration.ofSeconds(Integer.getInteger("outbox.outage.seconds", 20));

    @TempDir
    Path data;

    private final List<DefaultMailService> services = new ArrayList<>();

    @AfterEach
    void stop() {
        services.forEach(DefaultMailService::deactivate);
    }

    private DefaultMailService start(Map<String, Object> config) {
        DefaultMailService service = service(config, data);
        services.add(service);
        return service;
    }

    private static Email mail(int n) {
        return Email.builder().to("reviewer" + (n % 7) + "@example.com").subject("Review " + n).text("Page " + n).build();
    }

    @Test
    void messagesQueuedWhileTheServerIsDownAllArriveOnceWhenItIsBackOnTheSamePort() throws Exception {
        int port;
        try (TestSmtpServer probe = server().start()) {
            port = probe.port(); // then closed: connections to it are refused
        }
        long outageStart = System.nanoTime();
        DefaultMailService service = start(config(port));
        Set<String> queued = new HashSet<>();
        for (int i = 0; i < DOWN; i++) {
            queued.add(service.enqueue(mail(i)).messageId());
        }
        // the outage lasts OUTAGE, and long enough for every message to have been refused twice
        await(() -> System.nanoTime() - outageStart >= OUTAGE.toNanos()
                && service.snapshot().getEntries().stream().allMatch(e -> e.getAttempts() >= 2), OUTAGE.plus(WAIT),
                "every message tried twice while the server is down for " + OUTAGE.toSeconds() + " s");
        long down = System.nanoTime();

        try (TestSmtpServer smtp = server().port(port).start()) {
            List<TestSmtpServer.ReceivedMessage> received = smtp.awaitMessages(DOWN, WAIT);
            await(() -> service.snapshot().getEntries().isEmpty(), WAIT, "the outbox is empty");

            List<String> ids = messageIds(smtp.messages());
            assertEquals(DOWN, ids.size(), "none twice");
            assertEquals(queued, new HashSet<>(ids));
            LOG.info("Server down for {} s: {} messages queued, all {} arrived {} ms after it came back, 0 twice",
                    TimeUnit.NANOSECONDS.toSeconds(down - outageStart), DOWN, received.size(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - down));
        }
    }

    @Test
    void withThreeConnectionsAllowedTheServerNeverSeesAFourthWhileTheQueueDrains() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            Map<String, Object> config = config(smtp.port());
            config.put("smtp.max.connections", 3);
            DefaultMailService service = start(config);
            long start = System.nanoTime();

            for (int i = 0; i < DRAIN; i++) {
                service.enqueue(mail(i));
            }
            smtp.awaitMessages(DRAIN, WAIT);

            assertEquals(DRAIN, new HashSet<>(messageIds(smtp.messages())).size());
            assertTrue(smtp.maxConcurrentConnections() <= 3, "at most 3 at once: " + smtp.maxConcurrentConnections());
            assertEquals(3, smtp.maxConcurrentConnections(), "the three were used");
            LOG.info("Drained {} messages over at most {} connections in {} ms", DRAIN, smtp.maxConcurrentConnections(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
    }

    @Test
    void thirtyTwoThreadsEnqueueWhileTheWorkerDeliversAndEachMessageIdArrivesOnce() throws Exception {
        long heapBefore = enqueueFromThirtyTwoThreadsAndAwaitDelivery();
        // the test server, its copy of every message and this test's lists went with that call's frame; the service runs on
        long heapAfter = usedHeapAfterGc();
        LOG.info("Used heap before the load {} KB, after delivery {} KB", heapBefore / 1024, heapAfter / 1024);
        assertTrue(heapAfter < heapBefore + HEAP_SLACK_BYTES, "no per-message growth: used heap " + heapBefore / 1024
                + " KB before, " + heapAfter / 1024 + " KB after " + LOAD + " messages");
    }

    /** The load of the test above; returns the used heap measured after the service started, before the load. */
    private long enqueueFromThirtyTwoThreadsAndAwaitDelivery() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            DefaultMailService service = start(config(smtp.port()));
            long heapBefore = usedHeapAfterGc();
            Set<String> queued = ConcurrentHashMap.newKeySet();
            ExecutorService threads = Executors.newFixedThreadPool(32);
            long start = System.nanoTime();
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 32; t++) {
                    int first = t;
                    done.add(threads.submit(() -> {
                        for (int i = first; i < LOAD; i += 32) {
                            QueuedMail mail = service.enqueue(mail(i));
                            queued.add(mail.messageId());
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
            }
            long enqueued = System.nanoTime();
            smtp.awaitMessages(LOAD, WAIT);
            await(() -> service.snapshot().getEntries().isEmpty(), WAIT, "the outbox is empty");

            List<String> ids = messageIds(smtp.messages());
            assertEquals(LOAD, queued.size(), "every enqueue gave a Message-ID of its own");
            assertEquals(LOAD, ids.size(), "none twice");
            assertEquals(queued, new HashSet<>(ids));
            // a completion is let go just after its message left the outbox, on the delivering thread
            await(() -> service.pendingCompletions() == 0, WAIT, "nothing kept per delivered message");
            long delivered = System.nanoTime();
            LOG.info("32 threads enqueued {} messages in {} ms; all delivered once after {} ms", LOAD,
                    TimeUnit.NANOSECONDS.toMillis(enqueued - start), TimeUnit.NANOSECONDS.toMillis(delivered - start));
            return heapBefore;
        }
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void twoServiceInstancesOnOneOutboxNeverDeliverTheSameMessageTwice() throws Exception {
        int count = 300;
        try (TestSmtpServer smtp = server().start()) {
            DefaultMailService first = start(config(smtp.port()));
            DefaultMailService second = start(config(smtp.port()));
            Set<String> queued = new HashSet<>();
            for (int i = 0; i < count; i++) {
                queued.add((i % 2 == 0 ? first : second).enqueue(mail(i)).messageId());
            }

            smtp.awaitMessages(count, WAIT);
            await(() -> first.snapshot().getEntries().isEmpty(), WAIT, "the outbox is empty");

            List<String> ids = messageIds(smtp.messages());
            assertEquals(count, ids.size(), "none twice");
            assertEquals(queued, new HashSet<>(ids));
        }
    }

    @Test
    void messagesQueuedWhenTheServiceStopsAreDeliveredByTheNextInstance() throws Exception {
        int port;
        try (TestSmtpServer probe = server().start()) {
            port = probe.port();
        }
        DefaultMailService before = service(config(port), data);
        Set<String> queued = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            queued.add(before.enqueue(mail(i)).messageId());
        }
        await(() -> before.snapshot().getEntries().stream().allMatch(e -> e.getAttempts() >= 1), WAIT, "tried once");
        before.deactivate();
        assertEquals(50, before.snapshot().getDepth(), "still queued after the stop");

        try (TestSmtpServer smtp = server().port(port).start()) {
            DefaultMailService after = start(config(port));

            smtp.awaitMessages(50, WAIT);
            await(() -> after.snapshot().getEntries().isEmpty(), WAIT, "the outbox is empty");
            assertEquals(queued, new HashSet<>(messageIds(smtp.messages())));
            assertEquals(50, smtp.messages().size());
        }
    }

    @Test
    void aReconfigurationGoesOnDeliveringTheQueueWithTheNewSettings() throws Exception {
        int closedPort;
        try (TestSmtpServer probe = server().start()) {
            closedPort = probe.port();
        }
        DefaultMailService service = start(config(closedPort));
        Set<String> queued = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            queued.add(service.enqueue(mail(i)).messageId());
        }
        await(() -> service.snapshot().getEntries().stream().allMatch(e -> e.getAttempts() >= 1), WAIT, "tried once");

        try (TestSmtpServer smtp = server().start()) {
            service.modified(config(smtp.port()));

            smtp.awaitMessages(20, WAIT);
            await(() -> service.snapshot().getEntries().isEmpty(), WAIT, "the outbox is empty");
            assertEquals(20, smtp.messages().size(), "none twice");
            assertEquals(queued, new HashSet<>(messageIds(smtp.messages())));
        }
    }

    @Test
    void theRateLimitSpacesTheDeliveries() throws Exception {
        int count = 11;
        try (TestSmtpServer smtp = server().start()) {
            Map<String, Object> config = config(smtp.port());
            config.put("smtp.rate.per.minute", 600); // one every 100 ms
            DefaultMailService service = start(config);
            long start = System.nanoTime();

            for (int i = 0; i < count; i++) {
                service.enqueue(mail(i));
            }
            smtp.awaitMessages(count, WAIT);

            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(elapsed >= (count - 1) * 100, count + " deliveries at 600 a minute took " + elapsed + " ms");
        }
    }

    @Test
    void theWaitingEntriesShowTheirStateAttemptsAndLastError() throws Exception {
        int port;
        try (TestSmtpServer probe = server().start()) {
            port = probe.port();
        }
        DefaultMailService service = start(config(port));
        service.enqueue(mail(1));

        await(() -> service.snapshot().getEntries().get(0).getAttempts() >= 1
                && service.snapshot().getEntries().get(0).getState() == OutboxEntry.State.WAITING, WAIT, "waiting");

        OutboxEntry entry = service.snapshot().getEntries().get(0);
        assertTrue(entry.getLastError().orElseThrow().contains("127.0.0.1:" + port), entry.getLastError().orElseThrow());
        assertTrue(entry.getNextAttemptAt().isPresent());
        assertEquals(1, service.snapshot().getDepth());
        assertTrue(service.snapshot().getOldestAge().isPresent());
    }
}
