package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;

/**
 * Which certificate problem the client reports, for smtps and STARTTLS, with and without
 * {@code smtp.truststore.path}: an untrusted certificate names smtp.truststore.path (PKIX), a
 * trusted certificate for another host names smtp.host, and the configured truststore replaces the
 * JVM's (no second try with the JVM's trust). Plain class path, loopback only.
 */
class TlsCertificateDiagnosisTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    enum Mode {
        SMTPS, STARTTLS
    }

    @TempDir
    static Path pkiDir;

    private static TestCertificates pki;

    private MiniSmtpServer server;

    @BeforeAll
    static void createCertificates() throws Exception {
        pki = TestCertificates.create(pkiDir);
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void certificateForAnotherHostNamesSmtpHostThoughItsCaIsInTheTruststore(Mode mode) throws Exception {
        server = start(mode, pki.otherHostServer());
        DefaultMailService mail = service(mode, pki.caTruststore());

        MailException e = sendFails(mail);

        assertHostNameMismatch(e);
        assertRefusedOnFirstConnectionBeforeLogin();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void certificateForAnotherHostNamesSmtpHostWhenTheJvmTrustsItsCa(Mode mode) throws Exception {
        server = start(mode, pki.otherHostServer());
        DefaultMailService mail = service(mode, null);

        MailException e = withJvmDefaultTrust(pki.clientTrustingCa(), () -> sendFails(mail));

        assertHostNameMismatch(e);
        assertRefusedOnFirstConnectionBeforeLogin();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void untrustedCertificateNamesTheTruststoreThoughAConfiguredTruststoreExists(Mode mode) throws Exception {
        server = start(mode, pki.selfSignedServer());
        DefaultMailService mail = service(mode, pki.caTruststore());

        MailException e = sendFails(mail);

        assertNotTrusted(e);
        assertRefusedOnFirstConnectionBeforeLogin();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void certificateFromAPrivateCaNamesTheTruststoreWithoutAConfiguredTruststore(Mode mode) throws Exception {
        // signed for another host too: trust is checked first, and trust is what the user must fix first
        server = start(mode, pki.otherHostServer());
        DefaultMailService mail = service(mode, null);

        MailException e = sendFails(mail);

        assertNotTrusted(e);
        assertRefusedOnFirstConnectionBeforeLogin();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void theConfiguredTruststoreReplacesTheJvmsTrustWithoutFallback(Mode mode) throws Exception {
        server = start(mode, pki.localhostServer());
        DefaultMailService mail = service(mode, pki.unrelatedTruststore());

        MailException e = withJvmDefaultTrust(pki.clientTrustingCa(), () -> sendFails(mail));

        assertNotTrusted(e);
        assertRefusedOnFirstConnectionBeforeLogin();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void certificateOfTheRightHostFromTheConfiguredCaIsAccepted(Mode mode) throws Exception {
        server = start(mode, pki.localhostServer());
        DefaultMailService mail = service(mode, pki.caTruststore());

        String reply = mail.send(email()).getServerReply();

        assertTrue(reply.startsWith("250"), reply);
        server.awaitEvent("MESSAGE", DEADLINE);
        assertTrue(server.events().contains("TLS"), server.events().toString());
        assertEquals(1, server.connections());
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
        assertEquals(1, server.connections(), "connections; events: " + server.events());
        assertFalse(server.events().contains("AUTH"), server.events().toString());
        assertFalse(server.events().contains("MAIL"), server.events().toString());
        assertFalse(server.events().contains("MESSAGE"), server.events().toString());
    }

    private static MiniSmtpServer start(Mode mode, SSLContext tls) throws Exception {
        return mode == Mode.SMTPS ? MiniSmtpServer.smtps(tls) : MiniSmtpServer.startTls(tls);
    }

    private DefaultMailService service(Mode mode, Path truststore) {
        Map<String, Object> config = new HashMap<>();
        config.put("smtp.host", "localhost");
        config.put("smtp.port", server.port());
        config.put("smtp.ssl", mode == Mode.SMTPS);
        config.put("smtp.starttls", mode == Mode.STARTTLS);
        config.put("smtp.requiretls", true);
        config.put("smtp.user", "workflow");
        config.put("smtp.password", "s3cret-Pa55");
        config.put("from.address", "workflow@example.com");
        config.put("smtp.timeout.connect", 10_000);
        config.put("smtp.timeout.read", 10_000);
        config.put("smtp.timeout.write", 10_000);
        if (truststore != null) {
            config.put("smtp.truststore.path", truststore.toString());
            config.put("smtp.truststore.type", "PKCS12");
            config.put("smtp.truststore.password", TestCertificates.PASSWORD);
        }
        return new DefaultMailService(config);
    }

    private static MailException sendFails(DefaultMailService mail) {
        return assertThrows(MailException.class, () -> mail.send(email()));
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
