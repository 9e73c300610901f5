package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.core.impl.TlsServerExtension.Mode;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * {@code smtp.truststore.type=PEM}: a PEM file of CA certificates as the truststore, no keytool
 * step; a real TLS server with the private test CA on loopback.
 */
class PemTruststoreTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @RegisterExtension
    static final TlsServerExtension TLS = new TlsServerExtension();

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aPemFileOfThePrivateCaDelivers(Mode mode) throws Exception {
        TestSmtpServer server = TLS.start(mode, TLS.pki().trustedServerContext());

        String reply = new DefaultMailService(pem(mode, TLS.pki().caPem())).send(email()).getServerReply();

        assertTrue(reply.startsWith("250"), reply);
        server.awaitEvent("MESSAGE", DEADLINE);
        assertEquals(1, server.count("TLS"), server.events().toString());
    }

    @Test
    void severalCertificatesWithTextAroundThemAreAllTrusted() throws Exception {
        TestSmtpServer server = TLS.start(Mode.STARTTLS, TLS.pki().trustedServerContext());
        Path bundle = dir.resolve("ca-bundle.pem");
        // what /etc/ssl/certs/ca-certificates.crt looks like: comments, then one block after another
        Files.writeString(bundle, "# unrelated CA\n" + Files.readString(TLS.pki().unrelatedPem())
                + "\nsubject=CN=Mailer Test CA\n" + Files.readString(TLS.pki().caPem()), StandardCharsets.US_ASCII);

        String reply = new DefaultMailService(pem(Mode.STARTTLS, bundle)).send(email()).getServerReply();

        assertTrue(reply.startsWith("250"), reply);
        server.awaitEvent("MESSAGE", DEADLINE);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aPemFileOfAnotherCaIsRefusedWithThePkixDiagnosis(Mode mode) throws Exception {
        TestSmtpServer server = TLS.start(mode, TLS.pki().trustedServerContext());

        MailException e = assertThrows(MailException.class,
                () -> new DefaultMailService(pem(mode, TLS.pki().unrelatedPem())).send(email()));

        assertFalse(e.isTransient(), e.getMessage());
        assertEquals("smtp.truststore.path", e.getSetting().orElse(null), e.getMessage());
        assertTrue(e.getMessage().contains("is not trusted (PKIX"), e.getMessage());
        server.awaitEvent("TLS-FAILED", DEADLINE);
        assertEquals(0, server.count("MESSAGE"), server.events().toString());
    }

    @Test
    void aFileThatIsNotPemNamesThePathAndTheType() throws Exception {
        TLS.start(Mode.STARTTLS, TLS.pki().trustedServerContext());

        MailException e = refused(TLS.pki().truststore());

        assertTrue(e.getMessage().contains("holds no -----BEGIN CERTIFICATE----- block"), e.getMessage());
        assertTrue(e.getMessage().contains("smtp.truststore.type=PEM"), e.getMessage());
    }

    @Test
    void aPrivateKeyInsteadOfCertificatesIsNamed() throws Exception {
        TLS.start(Mode.STARTTLS, TLS.pki().trustedServerContext());
        Path key = dir.resolve("key.pem");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n");

        MailException e = refused(key);

        assertTrue(e.getMessage().contains("holds a private key but no certificate"), e.getMessage());
        assertFalse(e.getMessage().contains("MIGHAgEA"), "no key material in messages: " + e.getMessage());
    }

    @Test
    void aBrokenCertificateBlockIsNamed() throws Exception {
        TLS.start(Mode.STARTTLS, TLS.pki().trustedServerContext());
        Path broken = dir.resolve("broken.pem");
        Files.writeString(broken, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");

        MailException e = refused(broken);

        assertTrue(e.getMessage().contains("is not an X.509 certificate"), e.getMessage());
    }

    /** Sending with the PEM truststore {@code file} fails before any connection, naming smtp.truststore.path. */
    private MailException refused(Path file) throws Exception {
        MailException e = assertThrows(MailException.class, () -> new DefaultMailService(pem(Mode.STARTTLS, file)).send(email()));
        assertEquals("smtp.truststore.path", e.getSetting().orElse(null), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        return e;
    }

    private static Map<String, Object> pem(Mode mode, Path file) throws Exception {
        Map<String, Object> config = TLS.config(mode, file);
        config.put("smtp.truststore.type", "PEM");
        config.remove("smtp.truststore.password");
        return config;
    }

    private static Email email() {
        return Email.builder().to("jane@example.com").subject("PEM truststore").text("hello").build();
    }
}
