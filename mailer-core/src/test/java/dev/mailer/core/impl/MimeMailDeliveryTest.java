package dev.mailer.core.impl;

import static dev.mailer.core.impl.OutboxTestSupport.config;
import static dev.mailer.core.impl.OutboxTestSupport.messageIds;
import static dev.mailer.core.impl.OutboxTestSupport.server;
import static dev.mailer.core.impl.OutboxTestSupport.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.api.MailException;
import dev.mailer.api.MimeMail;
import dev.mailer.api.QueuedMail;
import dev.mailer.api.SendResult;
import dev.mailer.testsupport.smtp.TestSmtpServer;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/** Ready MIME messages sent and queued through the service, as a real SMTP server on loopback receives them. */
class MimeMailDeliveryTest {

    private static final String MIME = "From: Workflow <workflow@example.com>\r\n"
            + "To: jane@example.com\r\n"
            + "Subject: built elsewhere\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=UTF-8\r\n"
            + "\r\n"
            + "Body as the caller wrote it.\r\n";

    @TempDir
    Path data;

    private DefaultMailService service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.deactivate();
        }
    }

    @Test
    void bytesGoOutAsGivenToTheEnvelopeWithAMessageIdAndDateAdded() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            service = service(config(smtp.port()), data);

            SendResult result = service.send(MimeMail.of(MIME.getBytes(StandardCharsets.UTF_8), "bounces@example.com",
                    List.of("jane@example.com", "Audit <audit@example.com>")));

            TestSmtpServer.ReceivedMessage received = smtp.messages().get(0);
            assertEquals("bounces@example.com", received.mailFrom());
            assertEquals(List.of("jane@example.com", "audit@example.com"), received.recipients());
            assertEquals(List.of("jane@example.com", "audit@example.com"), result.getRecipients());
            String data = new String(received.data(), StandardCharsets.UTF_8);
            assertTrue(data.endsWith(MIME), data);
            assertEquals(List.of(result.getMessageId()), messageIds(smtp.messages()));
            assertTrue(data.startsWith("Message-ID: " + result.getMessageId() + "\r\nDate: "), data);
        }
    }

    @Test
    void aJakartaMailMessageKeepsItsMessageIdAndItsBccStaysInTheEnvelopeOnly() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            service = service(config(smtp.port()), data);
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
            message.setFrom(new InternetAddress("workflow@example.com"));
            message.setRecipients(Message.RecipientType.TO, "jane@example.com");
            message.setRecipients(Message.RecipientType.BCC, "audit@example.com");
            message.setSubject("Grüße", "UTF-8");
            message.setText("Hallo", "UTF-8");
            message.saveChanges();
            String messageId = message.getMessageID();

            SendResult result = service.send(MimeMail.of(message, null, null));

            TestSmtpServer.ReceivedMessage received = smtp.messages().get(0);
            assertEquals("workflow@example.com", received.mailFrom(), "the configured from.address");
            assertEquals(List.of("jane@example.com", "audit@example.com"), received.recipients());
            assertEquals(messageId, result.getMessageId());
            String data = new String(received.data(), StandardCharsets.UTF_8);
            assertFalse(data.contains("audit@example.com"), data);
            assertTrue(data.contains("Message-ID: " + messageId), data);
        }
    }

    @Test
    void aRefusedRecipientFailsTheWholeMessageAndNothingIsDelivered() throws Exception {
        try (TestSmtpServer smtp = server().refuseRecipient("gone@example.com", "550 5.1.1 gone@example.com: user unknown").start()) {
            service = service(config(smtp.port()), data);

            MailException e = assertThrows(MailException.class, () -> service.send(MimeMail.of(MIME.getBytes(StandardCharsets.UTF_8),
                    null, List.of("jane@example.com", "gone@example.com"))));

            assertEquals(550, e.getReplyCode());
            assertTrue(e.getMessage().contains("gone@example.com"), e.getMessage());
            assertEquals(List.of(), smtp.messages());
        }
    }

    @Test
    void anEnqueuedMimeMessageIsDeliveredWithItsOwnMessageId() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            service = service(config(smtp.port()), data);
            String withId = "Message-ID: <given.1@example.com>\r\n" + MIME;

            QueuedMail queued = service.enqueue(MimeMail.of(withId.getBytes(StandardCharsets.UTF_8), null, List.of("jane@example.com")));
            SendResult result = queued.completion().toCompletableFuture().get(20, TimeUnit.SECONDS);

            assertEquals("<given.1@example.com>", queued.messageId());
            assertEquals(queued.messageId(), result.getMessageId());
            assertEquals(List.of("<given.1@example.com>"), messageIds(smtp.messages()));
        }
    }

    @Test
    void aMessageWithoutFromGetsTheConfiguredFromAddress() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            service = service(config(smtp.port()), data);

            service.send(MimeMail.of("Subject: no sender\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8), null, List.of("jane@example.com")));

            String data = new String(smtp.messages().get(0).data(), StandardCharsets.UTF_8);
            assertTrue(data.contains("\r\nFrom: Workflow <workflow@example.com>\r\n"), data);
        }
    }

    @Test
    void anEmptyMessageOrNoRecipientIsRefusedNamingTheField() {
        assertEquals("mime: the message is empty; give its headers and body",
                assertThrows(IllegalArgumentException.class, () -> MimeMail.of(new byte[0], null, List.of("j@example.com"))).getMessage());
        assertEquals("recipients: a MIME message needs at least one envelope recipient",
                assertThrows(IllegalArgumentException.class, () -> MimeMail.of(MIME.getBytes(StandardCharsets.UTF_8), null, List.of()))
                        .getMessage());
    }
}
