package dev.mailer.launcher.devinbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
        try (Client c = new Client()) {
            c.expect("220");
            c.send("EHLO test");
            c.expectLast("250");
            c.send("MAIL FROM:<sender@example.com> SIZE=100");
            c.expect("250");
            c.send("RCPT TO:<rcpt@example.com>");
            c.expect("250");
            c.send("rcpt to:<hidden@example.com>");
            c.expect("250");
            c.send("DATA");
            c.expect("354");
            c.send("Subject: dots\r\n\r\n..leading dot\r\n."); // the lone dot ends DATA
            c.expect("250");
            c.send("QUIT");
            c.expect("221");
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
        try (Client c = new Client()) {
            c.expect("220");
            c.send("HELO test");
            c.expect("250");
            c.send("RCPT TO:<a@example.com>");
            c.expect("503");
            c.send("DATA");
            c.expect("503");
            c.send("VRFY someone");
            c.expect("500");
            c.send("STARTTLS");
            c.expect("500");
            c.send("NOOP");
            c.expect("250");
            c.send("MAIL FROM:<a@example.com>");
            c.expect("250");
            c.send("MAIL FROM:<a@example.com>");
            c.expect("503");
            c.send("RSET");
            c.expect("250");
            c.send("RCPT TO:<a@example.com>");
            c.expect("503");
            c.send("MAIL FROM:<>");
            c.expect("250");
            c.send("RCPT TO:<>");
            c.expect("501");
            c.send("QUIT");
            c.expect("221");
        }
        assertTrue(server.getStoredMessages().isEmpty());
    }

    @Test
    void refusesMessagesOverTheLimit() throws IOException {
        try (Client c = new Client()) {
            c.expect("220");
            c.send("EHLO test");
            c.expectLast("250");
            c.send("MAIL FROM:<a@example.com> SIZE=999999");
            c.expect("552");
            c.send("MAIL FROM:<a@example.com>");
            c.expect("250");
            c.send("RCPT TO:<b@example.com>");
            c.expect("250");
            c.send("DATA");
            c.expect("354");
            String line = "x".repeat(500) + "\r\n";
            c.send(line.repeat(10) + ".");
            c.expect("552");
            // the session goes on after a refused message
            c.send("NOOP");
            c.expect("250");
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

    private final class Client implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;

        Client() throws IOException {
            socket = new Socket(server.getHost(), server.getPort());
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        void send(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        void expect(String code) throws IOException {
            String line = in.readLine();
            assertTrue(line != null && line.startsWith(code + " "), "expected " + code + ", got: " + line);
        }

        /** Reads a multi-line reply up to its last line. */
        void expectLast(String code) throws IOException {
            String line;
            do {
                line = in.readLine();
                assertTrue(line != null && line.startsWith(code), "expected " + code + ", got: " + line);
            } while (line.charAt(3) == '-');
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
