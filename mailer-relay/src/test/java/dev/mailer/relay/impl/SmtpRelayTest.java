package dev.mailer.relay.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.mailer.api.MailException;
import dev.mailer.api.MimeMail;
import dev.mailer.api.check.CheckStep;
import dev.mailer.api.testing.RecordingMailService;
import dev.mailer.commons.testing.MutableClock;
import dev.mailer.relay.PasswordHash;
import dev.mailer.testsupport.pki.TestPki;
import dev.mailer.testsupport.smtp.SmtpDialogue;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * The relay listening on loopback, spoken to by Jakarta Mail as a device would and line by line where
 * a client must be refused; the mail service behind it records what reaches its outbox.
 */
class SmtpRelayTest {

    private final RecordingMailService outbox = new RecordingMailService();
    private final MutableClock clock = new MutableClock();
    private SmtpRelay relay;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.stop();
        }
    }

    @Test
    void aDeviceOfAnAllowedNetworkRelaysAndItsMessageIsInTheOutboxWhenItHears250() throws Exception {
        start(Map.of("relay.networks", new String[] {"127.0.0.0/8"}));

        try (SmtpDialogue device = new SmtpDialogue(relay.port())) {
            assertTrue(device.greeting().startsWith("220"), device.greeting());
            device.command("HELO printer");
            assertEquals("250 Ok", device.command("MAIL FROM:<scanner@printers.lan>"));
            device.command("RCPT TO:<jane@example.com>");
            device.command("RCPT TO:<joe@example.com>");
            assertEquals("250 2.0.0 Queued as q1", device.data("From: scanner@printers.lan\nSubject: Scan 1\n\n.page one\n"));
        }

        assertEquals(List.of("enqueue"), outbox.calls());
        MimeMail queued = outbox.mimeMails().get(0);
        assertEquals("scanner@printers.lan", queued.getEnvelopeFrom());
        assertEquals(List.of("jane@example.com", "joe@example.com"), queued.getRecipients());
        String mime = written(queued);
        assertTrue(mime.contains("Subject: Scan 1\r\n"), mime);
        assertTrue(mime.endsWith("\r\n.page one\r\n"), "dot-unstuffed, as sent: " + mime);
    }

    @Test
    void jakartaMailRelaysLikeAnyDevice() throws Exception {
        start(Map.of("relay.networks", new String[] {"127.0.0.1"}));
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(relay.port()));
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("app@legacy.lan"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("jane@example.com"));
        message.setSubject("Nightly report");
        message.setText("all green");

        Transport.send(message);

        assertEquals(List.of("jane@example.com"), outbox.mimeMails().get(0).getRecipients());
        assertTrue(written(outbox.mimeMails().get(0)).contains("Subject: Nightly report"));
    }

    @Test
    void withoutUsersAClientOutsideTheAllowedNetworksIsRefusedAtOnce() throws Exception {
        start(Map.of("relay.networks", new String[] {"10.0.0.0/8"}));

        try (SmtpDialogue stranger = new SmtpDialogue(relay.port())) {
            assertEquals("554 5.7.1 127.0.0.1 may not relay here (not in relay.networks)", stranger.greeting());
        }
        assertEquals(List.of(), outbox.calls());
    }

    @Test
    void nothingConfiguredMeansNothingIsRelayed() throws Exception {
        start(Map.of());

        try (SmtpDialogue anyone = new SmtpDialogue(relay.port())) {
            assertTrue(anyone.greeting().startsWith("554 5.7.1"), anyone.greeting());
        }
    }

    @Test
    void nothingConfiguredIsWhatItsCheckWarnsAbout() throws Exception {
        start(Map.of());

        CheckStep check = relay.check();

        assertEquals(CheckStep.Outcome.WARN, check.getOutcome());
        assertEquals("listens on 127.0.0.1:" + relay.port() + ", but relays nothing: neither relay.networks nor relay.users"
                + " is set (never an open relay)", check.getSummary());
        assertTrue(check.getFix().contains("RELAY_NETWORKS") && check.getFix().contains("relay-user NAME"), check.getFix());
    }

    @Test
    void itsCheckSaysForWhomItRelaysAndIntoWhichOutbox() throws Exception {
        start(Map.of("relay.networks", new String[] {"192.168.10.0/24"}));

        CheckStep check = relay.check();

        assertEquals(CheckStep.Outcome.PASS, check.getOutcome(), check.toString());
        assertEquals("listens on 127.0.0.1:" + relay.port() + "; relays into the outbox of the default mail service", check.getSummary());
        assertEquals("without a login: clients of [192.168.10.0/24]", check.getDetails().get(0));
    }

    @Test
    void inAOneShotCommandItChecksItsConfigurationWithoutTakingThePort() throws Exception {
        relay = new SmtpRelay(Map.of("relay.networks", new String[] {"192.168.10.0/24"}, "relay.port", 2525), false, clock, 50);
        relay.bindMailService(outbox, Map.of());

        assertEquals(-1, relay.port());
        assertTrue(relay.check().getSummary().startsWith("would listen on 127.0.0.1:2525 (serve listens; this command does not)"),
                relay.check().getSummary());
    }

    @Test
    void anInvalidConfigurationIsACheckFailureNamingTheProperty() throws Exception {
        relay = new SmtpRelay(config(Map.of("relay.networks", new String[] {"printers.lan"})), true, clock, 50);

        CheckStep check = relay.check();

        assertEquals(-1, relay.port());
        assertEquals(CheckStep.Outcome.FAIL, check.getOutcome());
        assertTrue(check.getSummary().startsWith("not started: ") && check.getSummary().contains("relay.networks"), check.getSummary());
    }

    @Test
    void aPortInUseIsACheckFailureThatSaysSo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            relay = new SmtpRelay(Map.of("relay.networks", new String[] {"127.0.0.1"}, "relay.port", taken.getLocalPort()), true, clock, 50);

            CheckStep check = relay.check();

            assertEquals(CheckStep.Outcome.FAIL, check.getOutcome());
            assertTrue(check.getSummary().startsWith("cannot listen on 127.0.0.1:" + taken.getLocalPort()), check.getSummary());
            assertTrue(check.getFix().contains("another program"), check.getFix());
        }
    }

    @Test
    void withoutItsMailServiceItsCheckWarnsThatDevicesMustWait() throws Exception {
        relay = new SmtpRelay(config(Map.of("relay.networks", new String[] {"127.0.0.1"}, "mail.service.name", "bulk")), true, clock, 50);

        CheckStep check = relay.check();

        assertEquals(CheckStep.Outcome.WARN, check.getOutcome());
        assertTrue(check.getSummary().endsWith("the outbox of the mail service bulk, which is not there: devices are told to try"
                + " again later"), check.getSummary());
    }

    @Test
    void aClientThatFailedFiveLoginsIsRefusedWithoutAPasswordCheckUntilTheWindowEnds() throws Exception {
        TestPki pki = TestPki.shared();
        start(Map.of("relay.users", "scanner:" + PasswordHash.create("scan-s3cret".toCharArray()) + "\n",
                "relay.tls.keystore.path", pki.serverKeystore().toString(),
                "relay.tls.keystore.password", pki.keystorePassword()));

        try (SmtpDialogue guesser = new SmtpDialogue(relay.port())) {
            guesser.command("EHLO guesser");
            guesser.startTls(pki.clientContext());
            guesser.command("EHLO guesser");
            for (int i = 0; i < ClientLimits.MAX_FAILED_LOGINS; i++) {
                assertTrue(guesser.command("AUTH PLAIN " + plain("scanner", "guess" + i)).startsWith("535"));
            }
            assertEquals("454 4.7.0 Too many failed logins from 127.0.0.1, try again in 15 minutes",
                    guesser.command("AUTH PLAIN " + plain("scanner", "scan-s3cret")));

            clock.advance(ClientLimits.FAILED_LOGIN_WINDOW);
            assertTrue(guesser.command("AUTH PLAIN " + plain("scanner", "scan-s3cret")).startsWith("235"));
        }
    }

    @Test
    void withUsersAClientMustStartTlsAndLogInBeforeItMayRelay() throws Exception {
        TestPki pki = TestPki.shared();
        String hash = PasswordHash.create("scan-s3cret".toCharArray());
        start(Map.of("relay.users", "# the scanners\nscanner:" + hash + "\n",
                "relay.tls.keystore.path", pki.serverKeystore().toString(),
                "relay.tls.keystore.password", pki.keystorePassword()));

        try (SmtpDialogue device = new SmtpDialogue(relay.port())) {
            assertTrue(device.command("EHLO scanner").contains("STARTTLS"));
            assertEquals("530 5.7.0 Authentication required: STARTTLS, then AUTH", device.command("MAIL FROM:<scanner@printers.lan>"));
            assertEquals("538 5.7.11 Encryption required: STARTTLS before AUTH", device.command("AUTH PLAIN " + plain("scanner", "scan-s3cret")));

            assertTrue(device.startTls(pki.clientContext()).startsWith("220"));
            assertTrue(device.command("EHLO scanner").contains("AUTH PLAIN LOGIN"));
            assertTrue(device.command("AUTH PLAIN " + plain("scanner", "wrong")).startsWith("535"));
            assertTrue(device.command("AUTH PLAIN " + plain("scanner", "scan-s3cret")).startsWith("235"));
            assertEquals("250 Ok", device.command("MAIL FROM:<scanner@printers.lan>"));
            device.command("RCPT TO:<jane@example.com>");
            assertEquals("250 2.0.0 Queued as q1", device.data("Subject: over TLS\n\nx\n"));
        }
    }

    @Test
    void whenTheOutboxCannotTakeTheMessageTheDeviceIsToldToTryAgainLater() throws Exception {
        outbox.failWith(MailException.transientFailure("The outbox directory /data/outbox is full").build());
        start(Map.of("relay.networks", new String[] {"127.0.0.1"}));

        try (SmtpDialogue device = new SmtpDialogue(relay.port())) {
            device.command("HELO printer");
            device.command("MAIL FROM:<scanner@printers.lan>");
            device.command("RCPT TO:<jane@example.com>");
            assertEquals("451 4.3.0 Not queued, try again later: The outbox directory /data/outbox is full",
                    device.data("Subject: x\n\nx\n"));
        }
    }

    @Test
    void withoutItsMailServiceTheRelayTellsDevicesToTryAgainLater() throws Exception {
        relay = new SmtpRelay(config(Map.of("relay.networks", new String[] {"127.0.0.1"}, "mail.service.name", "bulk")), true, clock, 50);
        relay.bindMailService(outbox, Map.of()); // the default service, not bulk

        try (SmtpDialogue device = new SmtpDialogue(relay.port())) {
            device.command("HELO printer");
            device.command("MAIL FROM:<scanner@printers.lan>");
            device.command("RCPT TO:<jane@example.com>");
            assertEquals("451 4.3.0 The mail service is not available, try again later", device.data("Subject: x\n\nx\n"));
        }
        assertEquals(List.of(), outbox.calls());
    }

    @Test
    void aClientOverItsMessagesPerMinuteWaitsForTheNextMinute() throws Exception {
        start(Map.of("relay.networks", new String[] {"127.0.0.1"}, "relay.messages.per.minute.per.client", 1));

        try (SmtpDialogue device = new SmtpDialogue(relay.port())) {
            device.command("HELO printer");
            device.command("MAIL FROM:<scanner@printers.lan>");
            device.command("RCPT TO:<jane@example.com>");
            device.data("Subject: 1\n\nx\n");
            assertEquals("451 4.7.0 127.0.0.1 sent 1 messages in the last minute, try again later",
                    device.command("MAIL FROM:<scanner@printers.lan>"));
        }
    }

    @Test
    void aMessageOverTheSizeLimitIsRefusedWhenAnnounced() throws Exception {
        start(Map.of("relay.networks", new String[] {"127.0.0.1"}, "relay.max.message.size", 2048));

        try (SmtpDialogue device = new SmtpDialogue(relay.port())) {
            assertTrue(device.command("EHLO printer").contains("SIZE 2048"));
            assertTrue(device.command("MAIL FROM:<scanner@printers.lan> SIZE=4096").startsWith("552"));
        }
    }

    @Test
    void rewriteSendsAsTheMailServiceAndKeepsTheDeviceAsReplyTo() throws Exception {
        start(Map.of("relay.networks", new String[] {"127.0.0.1"}, "relay.sender", "rewrite"));

        try (SmtpDialogue device = new SmtpDialogue(relay.port())) {
            device.command("HELO printer");
            device.command("MAIL FROM:<scanner@printers.lan>");
            device.command("RCPT TO:<jane@example.com>");
            device.data("From: scanner@printers.lan\nSubject: Scan\n\nx\n");
        }

        MimeMail queued = outbox.mimeMails().get(0);
        assertEquals(null, queued.getEnvelopeFrom(), "MAIL FROM: the mail service's from.address");
        String mime = written(queued);
        assertTrue(mime.contains("Reply-To: scanner@printers.lan\r\n") && !mime.contains("From: scanner"), mime);
    }

    private void start(Map<String, Object> settings) {
        relay = new SmtpRelay(config(settings), true, clock, 50);
        relay.bindMailService(outbox, Map.of());
        assertTrue(relay.port() > 0, "listening");
    }

    private static Map<String, Object> config(Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>(settings);
        config.put("relay.port", 0);
        config.put("service.pid", RelaySettings.PID);
        return config;
    }

    private static String written(MimeMail mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String plain(String user, String password) {
        return java.util.Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }
}
