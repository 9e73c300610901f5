package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * A caller that holds on to a mail service DS has replaced (a JobManager came, a reference changed): the old instance
 * refuses to queue with the reason, a message it accepted while stopping is in its outbox, where the next activation
 * takes it, and a send still goes out.
 */
class StoppedMailServiceTest {

    @TempDir
    Path outbox;

    @Test
    void aStoppedServiceRefusesEnqueueSayingToGetTheCurrentOneAndQueuesNothing() throws Exception {
        DefaultMailService service = OutboxTestSupport.service(OutboxTestSupport.config(closedPort()), outbox);
        service.deactivate();

        MailException refused = assertThrows(MailException.class, () -> service.enqueue(mail(0)));

        assertTrue(refused.isTransient(), refused.getMessage());
        assertTrue(refused.getMessage().contains("The mail service (default) has stopped"), refused.getMessage());
        assertTrue(refused.getMessage().contains("this message was not queued"), refused.getMessage());
        assertTrue(refused.getDiagnosis().orElse("").contains("Get the MailService again"), refused.getMessage());
        assertEquals(List.of(), new OutboxStore(outbox, Clock.systemUTC()).list());
    }

    @Test
    void aSendOnAStoppedServiceStillGoesOutOnAConnectionOfItsOwn() throws Exception {
        try (TestSmtpServer server = OutboxTestSupport.server().start()) {
            DefaultMailService service = OutboxTestSupport.service(OutboxTestSupport.config(server.port()), outbox);
            service.deactivate();

            service.send(mail(1));

            assertEquals(1, server.awaitMessages(1, Duration.ofSeconds(10)).size());
        }
    }

    @Test
    void everyEnqueueRacingTheStopIsEitherInTheOutboxOrRefusedNoneAcceptedAndLeftOut() throws Exception {
        DefaultMailService service = OutboxTestSupport.service(OutboxTestSupport.config(closedPort()), outbox);
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(8);
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int caller = t;
                loops.add(callers.submit(() -> {
                    running.countDown();
                    for (int i = 0;; i++) { // until the stopped service refuses
                        try {
                            accepted.add(service.enqueue(mail(caller * 100_000 + i)).id());
                        } catch (MailException e) {
                            assertTrue(e.getMessage().contains("has stopped"), e.getMessage());
                            refused.incrementAndGet();
                            return null;
                        }
                    }
                }));
            }
            running.await(10, TimeUnit.SECONDS);
            OutboxTestSupport.await(() -> accepted.size() >= 40, Duration.ofSeconds(20), "40 messages enqueued");
            service.deactivate();
            for (Future<?> loop : loops) {
                loop.get(30, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
        }

        Set<String> stored = new OutboxStore(outbox, Clock.systemUTC()).list().stream().map(s -> s.id).collect(Collectors.toSet());
        assertEquals(8, refused.get(), "each caller was refused once the service had stopped");
        assertEquals(accepted, stored, "every accepted message is in the outbox the next activation reads");
    }

    private static Email mail(int n) {
        return Email.builder().to("jane@example.com").subject("stopping " + n).text("x").build();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
