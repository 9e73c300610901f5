package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.check.CheckReport;
import dev.mailer.api.check.CheckStep;
import dev.mailer.core.impl.TlsServerExtension.Mode;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * A client certificate ({@code smtp.keystore.*}) for a server that requires one: a real TLS server
 * on loopback that trusts client certificates of the test CA only.
 */
class ClientCertificateTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @RegisterExtension
    static final TlsServerExtension TLS = new TlsServerExtension();

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aPkcs12ClientCertificateDelivers(Mode mode) throws Exception {
        TestSmtpServer server = start(mode);

        String reply = new DefaultMailService(withKeystore(mode, TLS.pki().clientKeystore(), "PKCS12")).send(email()).getServerReply();

        assertTrue(reply.startsWith("250"), reply);
        server.awaitEvent("MESSAGE", DEADLINE);
        assertTrue(server.events().toString().contains("client CN=mailer client"), server.events().toString());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aPemKeyAndChainDelivers(Mode mode) throws Exception {
        TestSmtpServer server = start(mode);
        Map<String, Object> config = withKeystore(mode, TLS.pki().clientPem(), "PEM");
        config.remove("smtp.keystore.password");

        String reply = new DefaultMailService(config).send(email()).getServerReply();

        assertTrue(reply.startsWith("250"), reply);
        server.awaitEvent("MESSAGE", DEADLINE);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void withoutAClientCertificateTheRefusalNamesSmtpKeystorePath(Mode mode) throws Exception {
        TestSmtpServer server = start(mode);

        MailException e = assertThrows(MailException.class, () -> new DefaultMailService(TLS.config(mode, TLS.pki().truststore())).send(email()));

        assertFalse(e.isTransient(), e.getMessage() + " " + server.events());
        assertEquals("smtp.keystore.path", e.getSetting().orElse(null), e.getMessage());
        assertTrue(e.getMessage().contains("requires a TLS client certificate"), e.getMessage());
        assertEquals(0, server.count("MESSAGE"), server.events().toString());
    }

    @Test
    void theCheckShowsTheClientCertificatesSubjectAndExpiryInItsTlsStep() throws Exception {
        start(Mode.STARTTLS);
        DefaultMailService mail = new DefaultMailService(withKeystore(Mode.STARTTLS, TLS.pki().clientKeystore(), "PKCS12"));

        CheckReport report = mail.run(null);

        CheckStep tls = report.getSteps().stream().filter(s -> s.getName().equals("tls")).findFirst().orElseThrow();
        assertEquals(CheckStep.Outcome.PASS, tls.getOutcome(), report.toString());
        String details = tls.getDetails().toString();
        assertTrue(details.contains("client certificate: subject CN=mailer client,O=dev.mailer; issuer CN=Mailer Test CA"), details);
        assertTrue(details.contains("not after 20"), details);
        assertFalse(report.toString().contains(TLS.pki().keystorePassword()), "the key store password is never shown");
    }

    @Test
    void aWrongPasswordNamesTheSecret() throws Exception {
        start(Mode.STARTTLS);
        Map<String, Object> config = withKeystore(Mode.STARTTLS, TLS.pki().clientKeystore(), "PKCS12");
        config.put("smtp.keystore.password", "not-the-password");

        MailException e = assertThrows(MailException.class, () -> new DefaultMailService(config).send(email()));

        assertEquals("smtp.keystore.password", e.getSetting().orElse(null), e.getMessage());
        assertTrue(e.getMessage().contains("smtp_keystore_password"), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password"), e.getMessage());
    }

    @Test
    void aPemWithoutAPrivateKeyNamesSmtpKeystorePath() throws Exception {
        start(Mode.STARTTLS);

        MailException e = assertThrows(MailException.class,
                () -> new DefaultMailService(withKeystore(Mode.STARTTLS, TLS.pki().caPem(), "PEM")).send(email()));

        assertEquals("smtp.keystore.path", e.getSetting().orElse(null), e.getMessage());
        assertTrue(e.getMessage().contains("holds no -----BEGIN PRIVATE KEY----- block"), e.getMessage());
    }

    private static TestSmtpServer start(Mode mode) throws Exception {
        return TLS.start(mode, TLS.pki().clientAuthServerContext(), TestSmtpServer.Builder::needClientAuth);
    }

    private static Map<String, Object> withKeystore(Mode mode, Path keystore, String type) throws Exception {
        Map<String, Object> config = TLS.config(mode, TLS.pki().truststore());
        config.put("smtp.keystore.path", keystore.toString());
        config.put("smtp.keystore.type", type);
        config.put("smtp.keystore.password", TLS.pki().keystorePassword());
        return config;
    }

    private static Email email() {
        return Email.builder().to("jane@example.com").subject("client certificate").text("hello").build();
    }
}
