package dev.mailer.core.impl;

import static dev.mailer.core.impl.OutboxTestSupport.await;
import static dev.mailer.core.impl.OutboxTestSupport.config;
import static dev.mailer.core.impl.OutboxTestSupport.messageIds;
import static dev.mailer.core.impl.OutboxTestSupport.server;
import static dev.mailer.core.impl.OutboxTestSupport.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.MimeMail;
import dev.mailer.api.QueuedMail;
import dev.mailer.api.SendResult;
import dev.mailer.api.outbox.OutboxEntry;
import dev.mailer.api.outbox.OutboxSnapshot;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/** The outbox against a real SMTP server on loopback: delivered once, retried, dead-lettered as the replies say. */
class OutboxDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path data;

    private DefaultMailService service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.deactivate();
        }
    }

    private static Email mail(String... to) {
        return Email.builder().to(to).subject("Page ready for review").text("Please review.").build();
    }

    @Test
    void aQueuedMessageIsDeliveredOnceWithItsMessageIdAndLeavesTheOutbox() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            service = service(config(smtp.port()), data);

            QueuedMail queued = service.enqueue(mail("jane@example.com"));
            SendResult result = queued.completion().toCompletableFuture().get(20, TimeUnit.SECONDS);

            assertEquals(List.of(queued.messageId()), messageIds(smtp.messages()));
            assertEquals("workflow@example.com", smtp.messages().get(0).mailFrom());
            assertEquals(queued.messageId(), result.getMessageId());
            assertTrue(result.getServerReply().startsWith("250"), result.getServerReply());
            assertEquals(List.of("jane@example.com"), result.getRecipients());
            await(() -> service.snapshot().getEntries().isEmpty(), WAIT, "the outbox is empty");
        }
    }

    @ParameterizedTest(name = "{0} answered {1}")
    @CsvSource(delimiter = '|', value = {
        "CONNECT|421 4.3.2 Service not available, closing transmission channel",
        "MAIL|432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded",
        "MESSAGE|451 4.7.500 Server busy. Please try again later",
        "MAIL|452 4.3.1 Insufficient system resources",
        "MESSAGE|421 4.7.0 Too many messages, closing connection"})
    void aTransientReplyIsRetriedAndTheMessageDeliveredOnce(String step, String reply) throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            smtp.answerNext(step, 2, reply);
            service = service(config(smtp.port()), data);

            QueuedMail queued = service.enqueue(mail("jane@example.com"));

            queued.completion().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertEquals(List.of(queued.messageId()), messageIds(smtp.messages()), "delivered once, same Message-ID");
            assertEquals(2, smtp.events().stream().filter(e -> e.toString().contains("SCRIPTED")).count(),
                    "refused twice first: " + smtp.events());
        }
    }

    @Test
    void aRecipientRefusedWith550IsDeadLetteredWhileTheOtherTwoGetTheMessageOnce() throws Exception {
        try (TestSmtpServer smtp = server().refuseRecipient("gone@example.com", "550 5.1.1 User unknown").start()) {
            service = service(config(smtp.port()), data);

            QueuedMail queued = service.enqueue(mail("jane@example.com", "gone@example.com", "joe@example.com"));

            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> queued.completion().toCompletableFuture().get(20, TimeUnit.SECONDS));
            MailException failure = assertInstanceOf(MailException.class, e.getCause());
            assertFalse(failure.isTransient());
            assertTrue(failure.getMessage().contains("gone@example.com") && failure.getMessage().contains("550 5.1.1 User unknown"),
                    failure.getMessage());
            assertEquals(1, smtp.messages().size());
            assertEquals(List.of("jane@example.com", "joe@example.com"), smtp.messages().get(0).recipients());
            OutboxEntry dead = service.snapshot().getEntries().get(0);
            assertEquals(OutboxEntry.State.DEAD, dead.getState());
            assertEquals(List.of("gone@example.com"), dead.getPendingRecipients());
            assertEquals(1, dead.getAttempts());
            assertTrue(dead.getLastError().orElseThrow().contains("550 5.1.1 User unknown"), dead.getLastError().orElseThrow());
        }
    }

    @Test
    void aRecipientRefusedWith452IsRetriedAloneAndTheOthersAreNeverSentToAgain() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            smtp.answerNext("RCPT joe@example.com", 2, "452 4.2.2 Mailbox full");
            service = service(config(smtp.port()), data);

            QueuedMail queued = service.enqueue(mail("jane@example.com", "joe@example.com", "ann@example.com"));
            SendResult result = queued.completion().toCompletableFuture().get(20, TimeUnit.SECONDS);

            List<TestSmtpServer.ReceivedMessage> received = smtp.messages();
            assertEquals(2, received.size(), "the first attempt for two, the third attempt for joe: " + smtp.verbs());
            assertEquals(List.of("jane@example.com", "ann@example.com"), received.get(0).recipients());
            assertEquals(List.of("joe@example.com"), received.get(1).recipients());
            assertEquals(List.of(queued.messageId(), queued.messageId()), messageIds(received));
            assertEquals(List.of("jane@example.com", "ann@example.com", "joe@example.com"), result.getRecipients());
        }
    }

    @Test
    void aRetryOfThatDeadLetterSendsOnlyToTheRefusedRecipient() throws Exception {
        try (TestSmtpServer smtp = server().refuseRecipient("gone@example.com", "550 5.1.1 User unknown").start()) {
            service = service(config(smtp.port()), data);
            QueuedMail queued = service.enqueue(mail("jane@example.com", "gone@example.com"));
            await(() -> deadCount() == 1, WAIT, "a dead letter");

            // the dead state is visible a moment before the attempt lets go of the message; till then retry says false
            await(() -> service.retry(queued.id()), WAIT, "the retry accepted once the last attempt ended");

            await(() -> service.snapshot().getEntries().get(0).getAttempts() == 2 && deadCount() == 1, WAIT, "retried and dead again");
            assertEquals(1, smtp.messages().size(), "jane got it once; the retry had no recipient the server accepts");
            assertEquals(3, smtp.count("RCPT"), "two on the first attempt, gone@example.com only on the retry: " + smtp.verbs());
        }
    }

    @Test
    void aConnectionClosedInTheMiddleOfDataIsRetriedAndTheMessageDeliveredOnce() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            smtp.closeDuringNextData(1);
            service = service(config(smtp.port()), data);

            QueuedMail queued = service.enqueue(mail("jane@example.com"));

            queued.completion().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertEquals(1, smtp.count("CLOSED-IN-DATA"), smtp.events().toString());
            assertEquals(List.of(queued.messageId()), messageIds(smtp.messages()));
        }
    }

    @Test
    void aPermanentReplyMakesADeadLetterAtOnceWithTheDiagnosis() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            smtp.answerNext("MESSAGE", 1, "554 5.2.252 SendAsDenied; workflow@example.com not allowed to send as jane@example.com");
            service = service(config(smtp.port()), data);

            QueuedMail queued = service.enqueue(mail("jane@example.com"));

            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> queued.completion().toCompletableFuture().get(20, TimeUnit.SECONDS));
            MailException failure = (MailException) e.getCause();
            assertEquals(554, failure.getReplyCode());
            assertTrue(failure.getDiagnosis().isPresent(), "the known reply's diagnosis: " + failure.getMessage());
            OutboxEntry dead = service.snapshot().getEntries().get(0);
            assertEquals(OutboxEntry.State.DEAD, dead.getState());
            assertEquals(1, dead.getAttempts(), "not retried");
            assertEquals(failure.getMessage(), dead.getLastError().orElseThrow());
            assertFalse(dead.getLastError().orElseThrow().contains("s3cret-Pa55"));
            assertEquals(0, smtp.messages().size());
        }
    }

    @Test
    void aReadyMessageRefusedForSendAsNamesTheMailboxThatNeedsTheRightAndTheAddress() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            smtp.answerNext("MESSAGE", 1, "554 5.2.252 SendAsDenied; workflow not allowed to send as scanner@printers.lan");
            service = service(config(smtp.port()), data);
            byte[] scan = "From: Scanner <scanner@printers.lan>\r\nSubject: Scan\r\n\r\npage\r\n".getBytes(StandardCharsets.UTF_8);

            QueuedMail queued = service.enqueue(MimeMail.of(scan, "scanner@printers.lan", List.of("jane@example.com")));

            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> queued.completion().toCompletableFuture().get(20, TimeUnit.SECONDS));
            String diagnosis = ((MailException) e.getCause()).getDiagnosis().orElseThrow();
            assertTrue(diagnosis.startsWith("The login smtp.user=workflow is not allowed to send as scanner@printers.lan (Send-As),"
                    + " the sender of this message. Grant the mailbox workflow 'Send As' rights on scanner@printers.lan"), diagnosis);
            assertTrue(service.snapshot().getEntries().get(0).getLastError().orElseThrow().contains(diagnosis),
                    "the dead letter says it too");
        }
    }

    @Test
    void aRefusedLoginMakesADeadLetterAtOnceNamingThePasswordSetting() throws Exception {
        try (TestSmtpServer smtp = TestSmtpServer.builder().withoutTls().credentials("workflow", "another-Pa55").start()) {
            service = service(config(smtp.port()), data);

            QueuedMail queued = service.enqueue(mail("jane@example.com"));

            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> queued.completion().toCompletableFuture().get(20, TimeUnit.SECONDS));
            MailException failure = (MailException) e.getCause();
            assertEquals(535, failure.getReplyCode());
            assertEquals("smtp.password", failure.getSetting().orElseThrow());
            OutboxEntry dead = service.snapshot().getEntries().get(0);
            assertEquals(OutboxEntry.State.DEAD, dead.getState());
            assertEquals(1, dead.getAttempts());
            assertFalse(dead.getLastError().orElseThrow().contains("s3cret-Pa55"), "no credential in the stored error");
            assertEquals(1, smtp.count("AUTH"), "not retried");
            try (Stream<Path> files = Files.list(data)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    String content = Files.readString(file, StandardCharsets.ISO_8859_1);
                    assertFalse(content.contains("s3cret-Pa55"), "no credential stored in " + file);
                }
            }
        }
    }

    @Test
    void transientFailuresBeyondTheMaxAgeMakeADeadLetterSayingSo() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            smtp.answerNext("MAIL", 1_000, "451 4.7.1 Greylisted, try again later");
            Map<String, Object> config = config(smtp.port());
            config.put("outbox.max.age", "PT0.5S");
            service = service(config, data);

            QueuedMail queued = service.enqueue(mail("jane@example.com"));

            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> queued.completion().toCompletableFuture().get(20, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("outbox.max.age")
                    && e.getCause().getMessage().contains("451 4.7.1 Greylisted"), e.getCause().getMessage());
            assertTrue(service.snapshot().getEntries().get(0).getAttempts() > 1);
        }
    }

    @Test
    void aMessageOverTheSizeLimitIsRefusedAtEnqueueWithBothSizes() throws Exception {
        Map<String, Object> config = config(2525);
        config.put("outbox.message.max.size", 1_000);
        service = service(config, data);

        MailException e = assertThrows(MailException.class, () -> service.enqueue(Email.builder().to("jane@example.com")
                .text("see attachment").attach("big.bin", "application/octet-stream", new byte[2_000]).build()));

        assertTrue(e.getMessage().matches("(?s)The message is \\d{4} bytes, larger than the limit of 1000 bytes \\(outbox.message.max.size\\).*"),
                e.getMessage());
        assertEquals("outbox.message.max.size", e.getSetting().orElseThrow());
        assertTrue(service.snapshot().getEntries().isEmpty());
    }

    @Test
    void onceTheServerAnnouncedItsSizeALargerMessageIsRefusedAtEnqueueWithBothSizes() throws Exception {
        try (TestSmtpServer smtp = server().maxMessageSize(5_000).start()) {
            service = service(config(smtp.port()), data);
            service.enqueue(mail("jane@example.com")).completion().toCompletableFuture().get(20, TimeUnit.SECONDS);

            MailException e = assertThrows(MailException.class, () -> service.enqueue(Email.builder().to("jane@example.com")
                    .text("see attachment").attach("big.bin", "application/octet-stream", new byte[6_000]).build()));

            assertTrue(e.getMessage().matches("(?s)The message is \\d{4} bytes, larger than the 5000 bytes the server 127.0.0.1:"
                    + smtp.port() + " accepts \\(its EHLO SIZE\\).*"), e.getMessage());
            assertEquals(1, smtp.messages().size());
        }
    }

    @Test
    void anUnwritableDataAreaMakesEnqueueFailNamingTheDirectory() throws Exception {
        Path file = data.resolve("outbox");
        Files.writeString(file, "not a directory");
        service = service(config(2525), file);

        MailException e = assertThrows(MailException.class, () -> service.enqueue(mail("jane@example.com")));

        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("nothing was queued"), e.getMessage());
    }

    @Test
    void aPurgedMessageIsNeverSentAndItsCompletionSaysSo() throws Exception {
        // a closed port: nothing is delivered while the test looks
        int closedPort;
        try (TestSmtpServer smtp = server().start()) {
            closedPort = smtp.port();
        }
        service = service(config(closedPort), data);
        QueuedMail queued = service.enqueue(mail("jane@example.com"));
        await(() -> service.snapshot().getEntries().get(0).getAttempts() >= 1 && !sending(), WAIT, "a failed attempt");

        boolean purged = false;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!purged && System.nanoTime() < deadline) {
            purged = service.purge(queued.id()); // false while an attempt runs
        }

        assertTrue(purged);
        assertTrue(service.snapshot().getEntries().isEmpty());
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> queued.completion().toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("purged"), e.getCause().getMessage());
    }

    private long deadCount() {
        OutboxSnapshot snapshot = service.snapshot();
        return snapshot.getDeadCount();
    }

    private boolean sending() {
        return service.snapshot().getEntries().stream().anyMatch(e -> e.getState() == OutboxEntry.State.SENDING);
    }
}
