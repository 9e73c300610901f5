package dev.mailer.core.impl;

import static dev.mailer.core.impl.OutboxTestSupport.config;
import static dev.mailer.core.impl.OutboxTestSupport.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.SendResult;
import dev.mailer.testsupport.smtp.TestSmtpServer;
import dev.mailer.testsupport.smtp.TestSmtpServer.ReceivedMessage;

/**
 * The mail service's pool of logged-in connections against the real test server on loopback:
 * reuse, the limits that retire a connection, a server that drops connections, many callers, and
 * the end of the service.
 */
class ConnectionPoolTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private DefaultMailService service;
    private ExecutorService callers;

    @AfterEach
    void stop() {
        if (callers != null) {
            callers.shutdownNow();
        }
        if (service != null) {
            service.deactivate();
        }
    }

    private static Email mail(String subject) {
        return Email.builder().to("jane@example.com").subject(subject).text("Please review.").build();
    }

    /** The subjects of the messages the server accepted, in order. */
    private static List<String> subjects(TestSmtpServer smtp) {
        return smtp.messages().stream().map(m -> new String(m.data(), StandardCharsets.UTF_8).replaceAll("(?s).*\r\nSubject: ([^\r]*).*", "$1"))
                .collect(Collectors.toList());
    }

    private static List<Integer> connections(TestSmtpServer smtp) {
        return smtp.messages().stream().map(ReceivedMessage::connection).collect(Collectors.toList());
    }

    @Test
    void aHundredSequentialSendsGoOutOnOneConnectionWithOneLogin() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            service = new DefaultMailService(config(smtp.port()));

            for (int i = 0; i < 100; i++) {
                service.send(mail("message " + i));
            }

            assertEquals(100, smtp.messages().size());
            assertEquals(1, smtp.count("CONNECT"), "one connection for all");
            assertEquals(1, smtp.count("AUTH"), "one login for all");
            assertTrue(connections(smtp).stream().allMatch(c -> c == 1), connections(smtp).toString());
            assertEquals(1, smtp.count("QUIT"), "ended after its 100th message (smtp.pool.max.messages)");
        }
    }

    @Test
    void aConnectionCarriesAtMostMaxMessagesThenItEndsAndANewOneTakesOver() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            Map<String, Object> config = config(smtp.port());
            config.put("smtp.pool.max.messages", 3);
            service = new DefaultMailService(config);

            for (int i = 0; i < 7; i++) {
                service.send(mail("message " + i));
            }

            assertEquals(List.of(1, 1, 1, 2, 2, 2, 3), connections(smtp));
            assertEquals(2, smtp.count("QUIT"), "the two full ones ended at once: " + smtp.verbs());
        }
    }

    @Test
    void withAnIdleTimeoutOfZeroEachMessageHasAConnectionOfItsOwn() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            Map<String, Object> config = config(smtp.port());
            config.put("smtp.pool.idle.timeout", "PT0S");
            service = new DefaultMailService(config);

            for (int i = 0; i < 3; i++) {
                service.send(mail("message " + i));
            }

            assertEquals(List.of(1, 2, 3), connections(smtp));
            assertEquals(3, smtp.count("QUIT"));
        }
    }

    @Test
    void anIdleConnectionEndsWithQuitAfterTheIdleTimeout() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            Map<String, Object> config = config(smtp.port());
            config.put("smtp.pool.idle.timeout", "PT0.3S");
            service = new DefaultMailService(config);

            service.send(mail("one"));

            smtp.awaitEvent("QUIT", WAIT);
            smtp.awaitOpenConnections(0, WAIT);
        }
    }

    @Test
    void whenTheServerDroppedTheIdleConnectionTheNextMessageGoesOutOnceOnANewOne() throws Exception {
        try (TestSmtpServer smtp = server().idleTimeout(Duration.ofMillis(500)).start()) {
            service = new DefaultMailService(config(smtp.port()));
            service.send(mail("before"));
            smtp.awaitEvent("IDLE-TIMEOUT", WAIT);
            smtp.awaitOpenConnections(0, WAIT);

            SendResult result = service.send(mail("after"));

            assertTrue(result.getServerReply().startsWith("250"), result.getServerReply());
            assertEquals(List.of("before", "after"), subjects(smtp), "each once");
            assertEquals(List.of(1, 2), connections(smtp));
        }
    }

    @Test
    void a421ToMailOnAPooledConnectionSendsTheMessageOnceOnANewConnection() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            service = new DefaultMailService(config(smtp.port()));
            service.send(mail("before"));
            smtp.answerNext("MAIL", 1, "421 4.3.2 Service not available, closing transmission channel");

            service.send(mail("after"));

            assertEquals(List.of("before", "after"), subjects(smtp), "each once");
            assertEquals(List.of(1, 2), connections(smtp));
            assertEquals(1, smtp.events().stream().filter(e -> e.verb().equals("SCRIPTED") && e.connection() == 1).count(),
                    smtp.events().toString());
        }
    }

    @Test
    void a421AlsoOnTheNewConnectionIsATransientFailureWithTheReplyAndNothingIsSent() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            service = new DefaultMailService(config(smtp.port()));
            service.send(mail("before"));
            smtp.answerNext("MAIL", 2, "421 4.3.2 Service not available, closing transmission channel");

            MailException e = assertThrows(MailException.class, () -> service.send(mail("refused")));

            assertTrue(e.isTransient(), e.getMessage());
            assertEquals(421, e.getReplyCode());
            assertEquals(List.of("before"), subjects(smtp));
            assertEquals(2, smtp.count("CONNECT"), "the pooled connection, then one new one: " + smtp.events());
        }
    }

    @Test
    void aConnectionLostAfterTheContentWentOutIsReportedAsTodayAndTheMessageIsNotSentAgain() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            service = new DefaultMailService(config(smtp.port()));
            service.send(mail("before"));
            smtp.closeDuringNextData(1);

            MailException e = assertThrows(MailException.class, () -> service.send(mail("cut off")));

            assertTrue(e.isTransient(), e.getMessage());
            assertEquals(1, smtp.count("CLOSED-IN-DATA"));
            assertEquals(1, smtp.count("CONNECT"), "not sent again on a new connection: " + smtp.events());
            service.send(mail("after"));
            assertEquals(List.of("before", "after"), subjects(smtp));
            assertEquals(List.of(1, 2), connections(smtp), "the broken connection was not reused");
        }
    }

    @Test
    void afterARefusedMessageTheNextGoesOutOnTheSameConnectionAfterRset() throws Exception {
        try (TestSmtpServer smtp = server().refuseRecipient("gone@example.com", "550 5.1.1 User unknown").start()) {
            service = new DefaultMailService(config(smtp.port()));

            MailException e = assertThrows(MailException.class,
                    () -> service.send(Email.builder().to("gone@example.com").subject("refused").text("t").build()));
            service.send(mail("accepted"));

            assertEquals(550, e.getReplyCode());
            assertEquals(List.of("accepted"), subjects(smtp));
            assertEquals(1, smtp.count("CONNECT"));
            List<String> verbs = smtp.verbs();
            assertEquals("RSET", verbs.get(verbs.lastIndexOf("MAIL") - 1), "a reset before the next transaction: " + verbs);
        }
    }

    @Test
    void eightCallersShareThreeConnections() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            service = new DefaultMailService(config(smtp.port()));
            callers = Executors.newFixedThreadPool(8);
            List<Future<?>> sends = new ArrayList<>();

            for (int caller = 0; caller < 8; caller++) {
                int c = caller;
                sends.add(callers.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        service.send(mail("caller " + c + " message " + i));
                    }
                    return null;
                }));
            }
            for (Future<?> send : sends) {
                send.get(60, TimeUnit.SECONDS);
            }

            assertEquals(200, smtp.messages().size());
            assertEquals(200, subjects(smtp).stream().distinct().count(), "each once");
            assertTrue(smtp.maxConcurrentConnections() <= 3, "never more than 3 at once: " + smtp.maxConcurrentConnections());
            assertTrue(smtp.count("CONNECT") <= 3, "connections opened: " + smtp.count("CONNECT"));
        }
    }

    @Test
    void aCallerBeyondThePoolSizeWaitsForAFreeConnectionAndGetsIt() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            Map<String, Object> config = config(smtp.port());
            config.put("smtp.max.connections", 1);
            service = new DefaultMailService(config);
            CountDownLatch release = new CountDownLatch(1);
            smtp.holdNextMessages(1, release);
            callers = Executors.newFixedThreadPool(2);

            Future<SendResult> first = callers.submit(() -> service.send(mail("first")));
            smtp.awaitEvent("HELD", WAIT);
            Future<SendResult> second = callers.submit(() -> service.send(mail("second")));
            release.countDown();

            first.get(20, TimeUnit.SECONDS);
            second.get(20, TimeUnit.SECONDS);
            assertEquals(List.of("first", "second"), subjects(smtp));
            assertEquals(List.of(1, 1), connections(smtp));
        }
    }

    @Test
    void aCallerBeyondThePoolSizeFailsTransientlyNamingTheSettingWhenNoConnectionFreesUpWithinTheConnectTimeout() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            Map<String, Object> config = config(smtp.port());
            config.put("smtp.max.connections", 1);
            config.put("smtp.timeout.connect", 300);
            service = new DefaultMailService(config);
            CountDownLatch release = new CountDownLatch(1);
            smtp.holdNextMessages(1, release);
            callers = Executors.newSingleThreadExecutor();
            Future<SendResult> first = callers.submit(() -> service.send(mail("first")));
            smtp.awaitEvent("HELD", WAIT);

            MailException e = assertThrows(MailException.class, () -> service.send(mail("second")));

            release.countDown();
            assertTrue(e.isTransient());
            assertEquals("smtp.max.connections", e.getSetting().orElseThrow());
            assertTrue(e.getMessage().contains("All 1 connections to 127.0.0.1:" + smtp.port() + " (smtp.max.connections) stayed busy"
                    + " for smtp.timeout.connect=300 ms; nothing was sent."), e.getMessage());
            first.get(20, TimeUnit.SECONDS);
            assertEquals(List.of("first"), subjects(smtp));
        }
    }

    @Test
    void theOutboxDeliversThroughTheSamePoolAsTheSends(@TempDir Path data) throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            service = OutboxTestSupport.service(config(smtp.port()), data);
            List<CompletableFuture<SendResult>> queued = new ArrayList<>();

            for (int i = 0; i < 20; i++) {
                queued.add(service.enqueue(mail("queued " + i)).completion().toCompletableFuture());
                service.send(mail("sent " + i));
            }
            for (CompletableFuture<SendResult> completion : queued) {
                completion.get(20, TimeUnit.SECONDS);
            }

            assertEquals(40, subjects(smtp).stream().distinct().count());
            assertTrue(smtp.maxConcurrentConnections() <= 3, "at most 3 at once: " + smtp.maxConcurrentConnections());
            assertTrue(smtp.count("CONNECT") <= 3, "connections opened: " + smtp.count("CONNECT"));
        }
    }

    @Test
    void stoppingTheServiceEndsEveryPooledConnectionAndOneInUseOnceItsMessageIsDone() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            service = new DefaultMailService(config(smtp.port()));
            callers = Executors.newFixedThreadPool(3);
            CountDownLatch together = new CountDownLatch(1);
            smtp.holdNextMessages(3, together);
            List<Future<SendResult>> warmUp = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String subject = "warm-up " + i;
                warmUp.add(callers.submit(() -> service.send(mail(subject))));
            }
            smtp.awaitEvent(e -> smtp.count("HELD") == 3, WAIT, "three messages at once");
            together.countDown();
            for (Future<SendResult> send : warmUp) {
                send.get(20, TimeUnit.SECONDS);
            }
            CountDownLatch release = new CountDownLatch(1);
            smtp.holdNextMessages(1, release);
            Future<SendResult> inFlight = callers.submit(() -> service.send(mail("in flight")));
            smtp.awaitEvent(e -> smtp.count("HELD") == 4, WAIT, "the message in flight");

            service.deactivate();
            service = null;

            smtp.awaitOpenConnections(1, WAIT);
            assertEquals(2, smtp.count("QUIT"), "the two idle ones ended: " + smtp.events());
            release.countDown();
            assertTrue(inFlight.get(20, TimeUnit.SECONDS).getServerReply().startsWith("250"));
            smtp.awaitOpenConnections(0, WAIT);
            assertEquals(3, smtp.count("QUIT"), "the one in use ended once done: " + smtp.events());
            assertFalse(subjects(smtp).isEmpty());
        }
    }

    @Test
    void aReconfigurationEndsTheConnectionsOfTheOldSettings() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            service = new DefaultMailService(config(smtp.port()));
            service.send(mail("before"));

            service.modified(config(smtp.port()));

            smtp.awaitOpenConnections(0, WAIT);
            assertEquals(1, smtp.count("QUIT"));
            service.send(mail("after"));
            assertEquals(List.of(1, 2), connections(smtp));
        }
    }
}
