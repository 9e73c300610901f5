package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.core.impl.TlsServerExtension.Mode;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * Which certificate problem the client reports, for smtps and STARTTLS, with and without
 * {@code smtp.truststore.path}: an untrusted certificate names smtp.truststore.path (PKIX), a
 * trusted certificate for another host names smtp.host, and the configured truststore replaces the
 * JVM's (no second try with the JVM's trust). Plain class path, loopback only.
 */
class TlsCertificateDiagnosisTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @RegisterExtension
    static final TlsServerExtension TLS = new TlsServerExtension();

    private TestSmtpServer server;

    @ParameterizedTest
    @EnumSource(Mode.class)
    void certificateForAnotherHostNamesSmtpHostThoughItsCaIsInTheTruststore(Mode mode) throws Exception {
        MailException e = refusedAtTheHandshake(mode, TLS.pki().otherHostServerContext(), TLS.pki().truststore(), null);

        assertHostNameMismatch(e);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void certificateForAnotherHostNamesSmtpHostWhenTheJvmTrustsItsCa(Mode mode) throws Exception {
        MailException e = refusedAtTheHandshake(mode, TLS.pki().otherHostServerContext(), null, TLS.pki().clientContext());

        assertHostNameMismatch(e);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void untrustedCertificateNamesTheTruststoreThoughAConfiguredTruststoreExists(Mode mode) throws Exception {
        MailException e = refusedAtTheHandshake(mode, TLS.pki().untrustedServerContext(), TLS.pki().truststore(), null);

        assertNotTrusted(e);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void certificateFromAPrivateCaNamesTheTruststoreWithoutAConfiguredTruststore(Mode mode) throws Exception {
        // signed for another host too: trust is checked first, and trust is what the user must fix first
        MailException e = refusedAtTheHandshake(mode, TLS.pki().otherHostServerContext(), null, null);

        assertNotTrusted(e);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void theConfiguredTruststoreReplacesTheJvmsTrustWithoutFallback(Mode mode) throws Exception {
        MailException e = refusedAtTheHandshake(mode, TLS.pki().trustedServerContext(), TLS.pki().unrelatedTruststore(), TLS.pki().clientContext());

        assertNotTrusted(e);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void certificateOfTheRightHostFromTheConfiguredCaIsAccepted(Mode mode) throws Exception {
        server = TLS.start(mode, TLS.pki().trustedServerContext());
        DefaultMailService mail = new DefaultMailService(TLS.config(mode, TLS.pki().truststore()));

        String reply = mail.send(email()).getServerReply();

        assertTrue(reply.startsWith("250"), reply);
        server.awaitEvent("MESSAGE", DEADLINE);
        assertEquals(1, server.count("TLS"), server.events().toString());
        assertEquals(1, server.count("CONNECT"));
    }

    private static void assertHostNameMismatch(MailException e) {
        assertFalse(e.isTransient(), "permanent: " + e.getMessage());
        assertEquals("smtp.host", e.getSetting().orElse(null), e.getMessage());
        assertTrue(e.getMessage().contains("does not match the host name localhost"), e.getMessage());
        assertFalse(e.getMessage().contains("PKIX"), e.getMessage());
        assertFalse(e.getMessage().contains("smtp.truststore.path"), e.getMessage());
    }

    private static void assertNotTrusted(MailException e) {
        assertFalse(e.isTransient(), "permanent: " + e.getMessage());
        assertEquals("smtp.truststore.path", e.getSetting().orElse(null), e.getMessage());
        assertTrue(e.getMessage().contains("is not trusted (PKIX"), e.getMessage());
        assertFalse(e.getMessage().contains("host name"), e.getMessage());
    }

    /** One connection, whose handshake failed; no login, no mail, no second try with other trust. */
    private void assertRefusedOnFirstConnectionBeforeLogin() throws InterruptedException {
        server.awaitEvent("TLS-FAILED", DEADLINE);
        server.awaitEvent("DISCONNECT", DEADLINE);
        assertEquals(1, server.count("CONNECT"), "connections; events: " + server.events());
        assertEquals(0, server.count("AUTH"), server.events().toString());
        assertEquals(0, server.count("MAIL"), server.events().toString());
        assertEquals(0, server.count("MESSAGE"), server.events().toString());
    }

    /**
     * Sends through a new server with the certificate of {@code serverTls}, trusting {@code truststore}
     * (null: the JVM's default trust, which is {@code jvmTrust} unless that is null too); asserts that
     * the send failed at the handshake of its one connection, and returns the failure.
     */
    private MailException refusedAtTheHandshake(Mode mode, SSLContext serverTls, Path truststore, SSLContext jvmTrust)
            throws Exception {
        server = TLS.start(mode, serverTls);
        DefaultMailService mail = new DefaultMailService(TLS.config(mode, truststore));
        Callable<MailException> send = () -> assertThrows(MailException.class, () -> mail.send(email()));
        MailException e = jvmTrust == null ? send.call() : withJvmDefaultTrust(jvmTrust, send);
        assertRefusedOnFirstConnectionBeforeLogin();
        return e;
    }

    private static Email email() {
        return Email.builder().to("jane@example.com").subject("must not be sent unless trusted").text("hello").build();
    }

    /** Runs {@code action} while the JVM's default SSL context (what Angus uses without a truststore) is {@code context}. */
    private static <T> T withJvmDefaultTrust(SSLContext context, Callable<T> action) throws Exception {
        SSLContext previous = SSLContext.getDefault();
        SSLContext.setDefault(context);
        try {
            return action.call();
        } finally {
            SSLContext.setDefault(previous);
        }
    }
}
