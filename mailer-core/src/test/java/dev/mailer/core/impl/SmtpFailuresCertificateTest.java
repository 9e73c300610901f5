package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.util.HashMap;
import java.util.Map;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.mailer.api.MailException;
import jakarta.mail.MessagingException;

/** The certificate branches of {@link SmtpFailures} on the exception chains the JDK and Angus produce. */
class SmtpFailuresCertificateTest {

    private static SmtpSettings settings() throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put("smtp.host", "localhost");
        config.put("smtp.port", 465);
        config.put("smtp.ssl", true);
        config.put("smtp.starttls", false);
        config.put("from.address", "workflow@example.com");
        return SmtpSettings.from(config);
    }

    private static MailException handshakeFailure(Throwable cause) throws Exception {
        SSLHandshakeException handshake = new SSLHandshakeException(cause.getMessage());
        handshake.initCause(cause);
        return SmtpFailures.fromMessaging(new MessagingException("Could not connect to SMTP host: localhost, port: 465", handshake),
                settings());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "No subject alternative DNS name matching localhost found.",
            "No subject alternative names matching IP address 127.0.0.1 found",
            "No subject alternative names present",
            "No name matching localhost found" })
    void hostNameCheckerMessagesNameSmtpHost(String jdkMessage) throws Exception {
        MailException e = handshakeFailure(new CertificateException(jdkMessage));

        assertEquals("smtp.host", e.getSetting().orElse(null), e.getMessage());
        assertTrue(e.getMessage().startsWith("The TLS certificate of localhost:465 does not match the host name localhost"),
                e.getMessage());
    }

    @Test
    void pkixFailureNamesTheTruststore() throws Exception {
        CertificateException validator = new CertificateException("PKIX path building failed",
                new CertPathBuilderException("unable to find valid certification path to requested target"));

        MailException e = handshakeFailure(validator);

        assertEquals("smtp.truststore.path", e.getSetting().orElse(null), e.getMessage());
        assertTrue(e.getMessage().contains("is not trusted (PKIX path building failed)"), e.getMessage());
    }

    @Test
    void noTrustedCertificateIsATrustProblemNotAHostName() throws Exception {
        MailException e = handshakeFailure(new CertificateException("No trusted certificate found"));

        assertEquals("smtp.truststore.path", e.getSetting().orElse(null), e.getMessage());
    }
}
