package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.OAuthConfigurationProvider;
import dev.mailer.api.SendResult;
import dev.mailer.api.check.CheckReport;
import dev.mailer.testsupport.smtp.FixedTokenXoauth2;
import dev.mailer.testsupport.smtp.TestSmtpServer;
import dev.mailer.testsupport.smtp.TestSmtpServer.Quit;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

/** The service against a real SMTP server (GreenMail) on loopback, outside OSGi. */
class DefaultMailServiceTest {

    private GreenMail server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop();
        }
    }

    private int startServer(String protocol) {
        server = new GreenMail(new ServerSetup(0, "127.0.0.1", protocol).dynamicPort())
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("workflow@example.com", "workflow", "s3cret-Pa55"));
        server.start();
        return "smtps".equals(protocol) ? server.getSmtps().getPort() : server.getSmtp().getPort();
    }

    private static Map<String, Object> plainConfig(int port) {
        Map<String, Object> config = new HashMap<>();
        config.put("smtp.host", "127.0.0.1");
        config.put("smtp.port", port);
        config.put("smtp.user", "workflow");
        config.put("smtp.password", "s3cret-Pa55");
        config.put("from.address", "Workflow <workflow@example.com>");
        config.put("smtp.starttls", false);
        config.put("smtp.requiretls", false);
        return config;
    }

    @Test
    void deliversPlainTextMailAndReturnsServerReply() throws Exception {
        DefaultMailService service = new DefaultMailService(plainConfig(startServer("smtp")));

        SendResult result = service.send(Email.builder().to("jane@example.com").cc("cc@example.com")
                .bcc("audit@example.com").subject("Review pending").text("Please review /content/page.").build());

        assertTrue(result.getServerReply().startsWith("250"), result.getServerReply());
        MimeMessage[] received = server.getReceivedMessages();
        assertEquals(3, received.length, "one copy per envelope recipient (to, cc, bcc)");
        MimeMessage message = received[0];
        assertEquals("Review pending", message.getSubject());
        jakarta.mail.internet.InternetAddress from = (jakarta.mail.internet.InternetAddress) message.getFrom()[0];
        assertEquals("workflow@example.com", from.getAddress());
        assertEquals("Workflow", from.getPersonal());
        assertEquals("jane@example.com", message.getRecipients(Message.RecipientType.TO)[0].toString());
        assertEquals(null, message.getHeader("Bcc"), "Bcc must not be visible in the message");
        assertEquals("Please review /content/page.", String.valueOf(message.getContent()).strip());
        assertEquals(result.getMessageId(), message.getMessageID());
    }

    @Test
    void sendsTextAndHtmlAsAlternativeWithAttachmentAndNonAsciiSubject() throws Exception {
        DefaultMailService service = new DefaultMailService(plainConfig(startServer("smtp")));
        byte[] pdf = {'%', 'P', 'D', 'F', 0, (byte) 0xFF, 1, 2};

        service.send(Email.builder().to("Jürgen Groß <juergen@example.com>").subject("Prüfung 承認 ✓")
                .text("Grüße – 日本語").html("<p>Grüße – 日本語</p>").attach("Bericht ä.pdf", "application/pdf", pdf)
                .header("X-Workflow-Id", "wf-42").build());

        MimeMessage message = server.getReceivedMessages()[0];
        assertEquals("Prüfung 承認 ✓", message.getSubject());
        assertEquals("wf-42", message.getHeader("X-Workflow-Id")[0]);
        MimeMultipart mixed = (MimeMultipart) message.getContent();
        assertTrue(mixed.getContentType().startsWith("multipart/mixed"), mixed.getContentType());
        MimeMultipart alternative = (MimeMultipart) mixed.getBodyPart(0).getContent();
        assertTrue(alternative.getContentType().startsWith("multipart/alternative"), alternative.getContentType());
        assertEquals("Grüße – 日本語", String.valueOf(alternative.getBodyPart(0).getContent()));
        assertEquals("<p>Grüße – 日本語</p>", String.valueOf(alternative.getBodyPart(1).getContent()));
        assertEquals("Bericht ä.pdf", jakarta.mail.internet.MimeUtility.decodeText(mixed.getBodyPart(1).getFileName()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        mixed.getBodyPart(1).getDataHandler().writeTo(bytes);
        assertEquals(new String(pdf, StandardCharsets.ISO_8859_1), bytes.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void wrongPasswordIsPermanentFailureWith535AndNothingIsDelivered() {
        Map<String, Object> config = plainConfig(startServer("smtp"));
        config.put("smtp.password", "wrong-Pa55");
        DefaultMailService service = new DefaultMailService(config);

        MailException e = assertThrows(MailException.class,
                () -> service.send(Email.builder().to("jane@example.com").text("t").build()));

        assertFalse(e.isTransient());
        assertEquals(535, e.getReplyCode());
        assertTrue(e.getMessage().contains("refused the login of smtp.user=workflow"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-Pa55"), e.getMessage());
        assertEquals(0, server.getReceivedMessages().length);
    }

    @Test
    void serverWithoutStarttlsIsRefusedWhenTlsIsRequired() {
        Map<String, Object> config = plainConfig(startServer("smtp"));
        config.put("smtp.starttls", true);
        config.put("smtp.requiretls", true);
        DefaultMailService service = new DefaultMailService(config);

        MailException e = assertThrows(MailException.class,
                () -> service.send(Email.builder().to("jane@example.com").text("t").build()));

        assertFalse(e.isTransient());
        assertEquals("smtp.requiretls", e.getSetting().orElseThrow());
        assertTrue(e.getMessage().contains("does not offer STARTTLS"), e.getMessage());
        assertEquals(0, server.getReceivedMessages().length);
    }

    @Test
    void untrustedCertificateSaysHowToConfigureTheTruststore() {
        Map<String, Object> config = plainConfig(startServer("smtps"));
        config.put("smtp.ssl", true);
        config.put("smtp.requiretls", true);
        DefaultMailService service = new DefaultMailService(config);

        MailException e = assertThrows(MailException.class,
                () -> service.send(Email.builder().to("jane@example.com").text("t").build()));

        assertFalse(e.isTransient());
        assertTrue(e.getMessage().contains("is not trusted (PKIX path building failed)"), e.getMessage());
        assertTrue(e.getMessage().contains("smtp.truststore.path"), e.getMessage());
        assertEquals(0, server.getReceivedMessages().length);
    }

    @Test
    void closedPortIsTransientFailureNamingTheServer() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        DefaultMailService service = new DefaultMailService(plainConfig(closedPort));

        MailException e = assertThrows(MailException.class,
                () -> service.send(Email.builder().to("jane@example.com").text("t").build()));

        assertTrue(e.isTransient());
        assertTrue(e.getMessage().startsWith("Cannot connect to 127.0.0.1:" + closedPort), e.getMessage());
    }

    @Test
    void invalidConfigurationFailsEverySendNamingTheProperty() {
        Map<String, Object> config = plainConfig(2525);
        config.put("smtp.port", 70000);
        config.put("from.address", "$[env:MAILER_TEST_UNSET_FROM]");
        DefaultMailService service = new DefaultMailService(config);

        MailException e = assertThrows(MailException.class,
                () -> service.send(Email.builder().to("jane@example.com").text("t").build()));

        assertFalse(e.isTransient());
        assertEquals("smtp.port", e.getSetting().orElseThrow());
        assertTrue(e.getMessage().contains("smtp.port: 70000 is out of range 1..65535"), e.getMessage());
        assertTrue(e.getMessage().contains("from.address: the placeholder $[env:MAILER_TEST_UNSET_FROM] is not resolved:"
                + " set the environment variable MAILER_TEST_UNSET_FROM"), e.getMessage());
    }

    @Test
    void oauthWithoutTokenProviderFailsAfterABoundedWaitNamingWhatToInstall() {
        Map<String, Object> config = plainConfig(2525);
        config.remove("smtp.password");
        config.put("oauth.flow", true);
        DefaultMailService service = new DefaultMailService(config);
        service.oauthProviderWaitMs = 200;

        MailException e = assertThrows(MailException.class,
                () -> service.send(Email.builder().to("jane@example.com").text("t").build()));

        assertFalse(e.isTransient());
        assertEquals("oauth.flow", e.getSetting().orElseThrow());
        assertTrue(e.getMessage().contains("no OAuthConfigurationProvider service appeared within 200 ms"), e.getMessage());
        assertTrue(e.getMessage().contains("Install the mailer-oauth bundle"), e.getMessage());
    }

    @Test
    void oauthSendWaitingForTheTokenProviderGoesOnOnceOneIsBound() throws Exception {
        try (TestSmtpServer smtp = TestSmtpServer.builder().withoutTls().credentials("workflow", "token-of-the-late-provider")
                .mechanism(new FixedTokenXoauth2()).onlyMechanisms("XOAUTH2").start()) {
            Map<String, Object> config = plainConfig(smtp.port());
            config.remove("smtp.password");
            config.put("oauth.flow", true);
            DefaultMailService service = new DefaultMailService(config);
            ExecutorService sender = Executors.newSingleThreadExecutor();
            try {
                AtomicReference<Thread> sending = new AtomicReference<>();
                Future<SendResult> result = sender.submit(() -> {
                    sending.set(Thread.currentThread());
                    return service.send(Email.builder().to("jane@example.com").text("t").build());
                });
                awaitWaiting(sending, Duration.ofSeconds(10));

                service.bindOAuthProvider(new OAuthConfigurationProvider() {
                    @Override
                    public String getAccessToken() {
                        return "token-of-the-late-provider";
                    }

                    @Override
                    public void invalidateAccessToken(String rejectedToken) {
                    }
                }, Map.of());

                assertTrue(result.get(10, TimeUnit.SECONDS).getServerReply().startsWith("250"));
                assertEquals(1, smtp.count("MESSAGE"), smtp.events().toString());
                assertEquals("workflow", smtp.messages().get(0).authenticatedUser(), "logged in with the late provider's token");
            } finally {
                sender.shutdownNow();
            }
        }
    }

    /** Until the thread (once set) waits with a timeout, as a send waiting for the provider does; at most {@code timeout}. */
    private static void awaitWaiting(AtomicReference<Thread> thread, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (thread.get() == null || thread.get().getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the send did not wait for the provider within " + timeout);
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void reconfigurationReplacesAnInvalidConfiguration() throws Exception {
        int port = startServer("smtp");
        Map<String, Object> config = plainConfig(port);
        config.remove("smtp.host");
        DefaultMailService service = new DefaultMailService(config);
        assertInstanceOf(MailException.class, assertThrows(MailException.class,
                () -> service.send(Email.builder().to("jane@example.com").text("t").build())));

        service.modified(plainConfig(port));
        service.send(Email.builder().to("jane@example.com").text("t").build());

        assertEquals(1, server.getReceivedMessages().length);
    }

    // ---- a connection that fails at QUIT (TestSmtpServer) ----------------------------------------

    @ParameterizedTest
    @EnumSource(value = Quit.class, names = {"RESET", "SILENT"})
    void messageTheServerAcceptedIsSentOnceAlthoughQuitFails(Quit quit) throws Exception {
        try (TestSmtpServer smtp = plainServer().onQuit(quit).start()) {
            DefaultMailService service = new DefaultMailService(quickTimeouts(plainConfig(smtp.port())));

            SendResult result = service.send(Email.builder().to("jane@example.com").subject("once").text("t").build());
            service.deactivate(); // the pooled connection ends (QUIT) when the service stops; its failure is only logged

            assertEquals("250 2.0.0 OK queued as 1", result.getServerReply());
            smtp.awaitEvent("DISCONNECT", Duration.ofSeconds(10));
            assertEquals(1, smtp.count("MESSAGE"), smtp.events().toString());
            assertEquals(1, smtp.count("CONNECT"));
        }
    }

    @Test
    void refusedMessageStillFailsWithTheRefusalWhenQuitFailsToo() throws Exception {
        try (TestSmtpServer smtp = plainServer().onQuit(Quit.RESET)
                .refuseSender("workflow@example.com", "550 5.7.60 SMTP; Client does not have permissions to send as this sender")
                .start()) {
            DefaultMailService service = new DefaultMailService(quickTimeouts(plainConfig(smtp.port())));

            MailException e = assertThrows(MailException.class,
                    () -> service.send(Email.builder().to("jane@example.com").text("t").build()));

            assertEquals(550, e.getReplyCode());
            assertEquals(0, smtp.count("MESSAGE"), smtp.events().toString());
        }
    }

    @Test
    void connectionCheckWhoseSenderWasAcceptedPassesAlthoughQuitFails() throws Exception {
        try (TestSmtpServer smtp = plainServer().onQuit(Quit.RESET).start()) {
            DefaultMailService service = new DefaultMailService(quickTimeouts(plainConfig(smtp.port())));

            CheckReport report = service.run(null);

            assertTrue(report.isPassed(), report.toString());
            assertTrue(smtp.count("QUIT") > 0, smtp.events().toString());
        }
    }

    /** A server without TLS that logs in the user of {@link #plainConfig}. */
    private static TestSmtpServer.Builder plainServer() {
        return TestSmtpServer.builder().withoutTls().credentials("workflow", "s3cret-Pa55");
    }

    /** A read timeout short enough for the server that never answers QUIT. */
    private static Map<String, Object> quickTimeouts(Map<String, Object> config) {
        config.put("smtp.timeout.read", 1_000);
        return config;
    }
}
