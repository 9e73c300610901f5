package dev.mailer.launcher.devinbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.testsupport.smtp.SmtpDialogue;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

class DevInboxServerTest {

    @TempDir
    Path inbox;

    private DevInboxServer server;

    @BeforeEach
    void start() throws IOException {
        server = DevInboxServer.start(inbox, 2048);
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    @Test
    void listensOnLoopbackOnly() {
        assertEquals("127.0.0.1", server.getHost());
        assertTrue(server.getPort() > 0);
    }

    @Test
    void storesAMessageWithDotUnstuffing() throws IOException {
        try (SmtpDialogue c = new SmtpDialogue(server.getPort())) {
            assertReply("220", c.greeting());
            assertReply("250", c.command("EHLO test"));
            assertReply("250", c.command("MAIL FROM:<sender@example.com> SIZE=100"));
            assertReply("250", c.command("RCPT TO:<rcpt@example.com>"));
            assertReply("250", c.command("rcpt to:<hidden@example.com>"));
            // SmtpDialogue sends the line dot-stuffed ("..leading dot") and ends DATA with a lone dot
            assertReply("250", c.data("Subject: dots\r\n\r\n.leading dot\r\n"));
            assertReply("221", c.command("QUIT"));
        }
        List<Path> stored = server.getStoredMessages();
        assertEquals(1, stored.size());
        String eml = Files.readString(stored.get(0));
        assertTrue(eml.startsWith("Return-Path: <sender@example.com>\r\n"), eml);
        assertTrue(eml.contains("X-Dev-Inbox-Rcpt-To: <rcpt@example.com>\r\n"), eml);
        assertTrue(eml.contains("X-Dev-Inbox-Rcpt-To: <hidden@example.com>\r\n"), eml);
        assertTrue(eml.endsWith("Subject: dots\r\n\r\n.leading dot\r\n"), eml);
        assertEquals(List.of(stored.get(0)), emlFiles());
    }

    @Test
    void sequenceErrorsUnknownCommandsAndReset() throws IOException {
        try (SmtpDialogue c = new SmtpDialogue(server.getPort())) {
            assertReply("220", c.greeting());
            assertReply("250", c.command("HELO test"));
            assertReply("503", c.command("RCPT TO:<a@example.com>"));
            assertReply("503", c.command("DATA"));
            assertReply("500", c.command("VRFY someone"));
            assertReply("500", c.command("STARTTLS"));
            assertReply("250", c.command("NOOP"));
            assertReply("250", c.command("MAIL FROM:<a@example.com>"));
            assertReply("503", c.command("MAIL FROM:<a@example.com>"));
            assertReply("250", c.command("RSET"));
            assertReply("503", c.command("RCPT TO:<a@example.com>"));
            assertReply("250", c.command("MAIL FROM:<>"));
            assertReply("501", c.command("RCPT TO:<>"));
            assertReply("221", c.command("QUIT"));
        }
        assertTrue(server.getStoredMessages().isEmpty());
    }

    @Test
    void refusesMessagesOverTheLimit() throws IOException {
        try (SmtpDialogue c = new SmtpDialogue(server.getPort())) {
            assertReply("220", c.greeting());
            assertReply("250", c.command("EHLO test"));
            assertReply("552", c.command("MAIL FROM:<a@example.com> SIZE=999999"));
            assertReply("250", c.command("MAIL FROM:<a@example.com>"));
            assertReply("250", c.command("RCPT TO:<b@example.com>"));
            String line = "x".repeat(500) + "\r\n";
            assertReply("552", c.data(line.repeat(10)));
            // the session goes on after a refused message
            assertReply("250", c.command("NOOP"));
        }
        assertTrue(server.getStoredMessages().isEmpty());
        assertEquals(List.of(), emlFiles());
    }

    @Test
    void acceptsAJakartaMailClient() throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", server.getHost());
        props.put("mail.smtp.port", String.valueOf(server.getPort()));
        Session session = Session.getInstance(props);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("from@example.com"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("to@example.com"));
        message.setSubject("Grüße");
        message.setText("line one\n.\nline three", "UTF-8");
        Transport.send(message);

        List<Path> stored = server.getStoredMessages();
        assertEquals(1, stored.size());
        MimeMessage received = new MimeMessage(session, Files.newInputStream(stored.get(0)));
        assertEquals("Grüße", received.getSubject());
        assertEquals("line one\r\n.\r\nline three", ((String) received.getContent()).strip());
    }

    @Test
    void twoServersStoringIntoOneFolderAtTheSameMomentKeepBothMessages() throws Exception {
        Clock stopped = Clock.fixed(Instant.parse("2026-12-02T10:15:30.123Z"), ZoneOffset.UTC);
        try (DevInboxServer one = DevInboxServer.start(inbox, 2048, stopped);
                DevInboxServer two = DevInboxServer.start(inbox, 2048, stopped)) {
            sendWithJakartaMail(one, "from one");
            sendWithJakartaMail(two, "from two");
        }
        List<String> subjects = new ArrayList<>();
        for (Path eml : emlFiles()) {
            try (InputStream in = Files.newInputStream(eml)) {
                subjects.add(new MimeMessage(null, in).getSubject());
            }
        }
        subjects.sort(null);
        assertEquals(List.of("from one", "from two"), subjects);
    }

    private static void sendWithJakartaMail(DevInboxServer to, String subject) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", to.getHost());
        props.put("mail.smtp.port", String.valueOf(to.getPort()));
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("from@example.com"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("to@example.com"));
        message.setSubject(subject);
        message.setText("x");
        Transport.send(message);
    }

    @Test
    void closeStopsListening() throws IOException {
        int port = server.getPort();
        server.close();
        assertFalse(canConnect(port));
    }

    private static boolean canConnect(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private List<Path> emlFiles() throws IOException {
        try (Stream<Path> files = Files.list(inbox)) {
            return files.filter(p -> p.toString().endsWith(".eml")).collect(Collectors.toList());
        }
    }

    /**
     * {@code reply} (SmtpDialogue joins the lines of a multi-line reply with LF) has {@code code}:
     * every line starts with it, the last one followed by a space.
     */
    private static void assertReply(String code, String reply) {
        List<String> lines = reply.lines().collect(Collectors.toList());
        assertTrue(lines.stream().allMatch(l -> l.startsWith(code))
                && lines.get(lines.size() - 1).startsWith(code + " "), () -> "expected " + code + ", got: " + reply);
    }
}
