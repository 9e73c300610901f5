package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.check.CheckReport;
import dev.mailer.api.check.CheckStep;
import dev.mailer.api.check.CheckStep.Outcome;
import dev.mailer.core.impl.TlsServerExtension.Mode;
import dev.mailer.testsupport.net.TcpForwarder;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * AEM as a Cloud Service's setup: smtp.host is a TCP forwarder (proxy.tunnel, here one on 127.0.0.1)
 * in front of the real server, whose certificate is issued for another name (mail.example.invalid);
 * smtp.tls.servername makes TLS (SNI and the host-name check) verify that name, for smtps and
 * STARTTLS, in sending and in the connection check. Verification stays on: a wrong name is refused.
 */
class TlsServerNameTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    /** The only name in the certificate of {@code TestPki#otherHostServerContext()}. */
    private static final String CERTIFICATE_NAME = "mail.example.invalid";

    @RegisterExtension
    static final TlsServerExtension TLS = new TlsServerExtension();

    private TcpForwarder forwarder;

    @AfterEach
    void closeForwarder() {
        if (forwarder != null) {
            forwarder.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void mailIsDeliveredThroughTheForwarderWhenTheServerNameIsTheCertificates(Mode mode) throws Exception {
        TestSmtpServer server = TLS.start(mode, TLS.pki().otherHostServerContext());
        DefaultMailService mail = new DefaultMailService(throughForwarder(mode, server, CERTIFICATE_NAME));

        String reply = mail.send(email()).getServerReply();

        assertTrue(reply.startsWith("250"), reply);
        server.awaitEvent("MESSAGE", DEADLINE);
        assertEquals(1, forwarder.forwarded(), "the connection went through the forwarder");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aWrongServerNameIsRefusedNamingSmtpTlsServername(Mode mode) throws Exception {
        MailException e = refusedAtTheHandshake(mode, "smtp.wrong.invalid");

        assertFalse(e.isTransient(), e.getMessage());
        assertEquals("smtp.tls.servername", e.getSetting().orElse(null), e.getMessage());
        assertTrue(e.getMessage().contains("does not match smtp.tls.servername=smtp.wrong.invalid"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void withoutTheServerNameTheForwardersAddressIsVerifiedAndRefused(Mode mode) throws Exception {
        MailException e = refusedAtTheHandshake(mode, null);

        assertEquals("smtp.host", e.getSetting().orElse(null), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void theCheckShowsWhichNameWasVerifiedAndThroughWhichForwarder(Mode mode) throws Exception {
        TestSmtpServer server = TLS.start(mode, TLS.pki().otherHostServerContext());
        DefaultMailService mail = new DefaultMailService(throughForwarder(mode, server, CERTIFICATE_NAME));

        CheckReport report = mail.run(null);

        CheckStep tls = step(report, "tls");
        assertEquals(Outcome.PASS, tls.getOutcome(), report.toString());
        assertTrue(tls.getSummary().endsWith("the certificate is trusted and verified for mail.example.invalid"
                + " (smtp.tls.servername) via 127.0.0.1:" + forwarder.port()), tls.getSummary());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void theCheckNamesSmtpTlsServernameWhenTheNameIsWrong(Mode mode) throws Exception {
        TestSmtpServer server = TLS.start(mode, TLS.pki().otherHostServerContext());
        DefaultMailService mail = new DefaultMailService(throughForwarder(mode, server, "smtp.wrong.invalid"));

        CheckReport report = mail.run(null);

        CheckStep tls = step(report, "tls");
        assertEquals(Outcome.FAIL, tls.getOutcome(), report.toString());
        assertTrue(tls.getSummary().contains("does not match smtp.tls.servername=smtp.wrong.invalid"), tls.getSummary());
        assertTrue(tls.getFix().startsWith("Set smtp.tls.servername"), tls.getFix());
    }

    /** Sends through the forwarder with smtp.tls.servername {@code serverName}; asserts it failed at the handshake, before login. */
    private MailException refusedAtTheHandshake(Mode mode, String serverName) throws Exception {
        TestSmtpServer server = TLS.start(mode, TLS.pki().otherHostServerContext());
        DefaultMailService mail = new DefaultMailService(throughForwarder(mode, server, serverName));

        MailException e = assertThrows(MailException.class, () -> mail.send(email()));

        server.awaitEvent("TLS-FAILED", DEADLINE);
        assertEquals(0, server.count("AUTH"), server.events().toString());
        assertEquals(0, server.count("MESSAGE"), server.events().toString());
        return e;
    }

    /** The settings of {@code server} reached through a new forwarder at 127.0.0.1, with smtp.tls.servername {@code serverName} (null: unset). */
    private Map<String, Object> throughForwarder(Mode mode, TestSmtpServer server, String serverName) throws Exception {
        forwarder = TcpForwarder.to(server.port());
        Map<String, Object> config = TLS.config(mode, TLS.pki().truststore());
        config.put("smtp.host", "127.0.0.1");
        config.put("smtp.port", forwarder.port());
        if (serverName != null) {
            config.put("smtp.tls.servername", serverName);
        }
        return config;
    }

    private static CheckStep step(CheckReport report, String name) {
        return report.getSteps().stream().filter(s -> s.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + name + " in " + report));
    }

    private static Email email() {
        return Email.builder().to("jane@example.com").subject("via the tunnel").text("hello").build();
    }
}
