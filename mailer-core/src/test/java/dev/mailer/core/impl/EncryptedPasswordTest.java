package dev.mailer.core.impl;

import static dev.mailer.core.impl.OutboxTestSupport.config;
import static dev.mailer.core.impl.OutboxTestSupport.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.commons.crypto.EncryptedValues;
import dev.mailer.commons.testing.FakeCrypto;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/** smtp.password written ENC(...): decrypted with the CryptoService and the login works; without it, or with another key, nothing is sent. */
class EncryptedPasswordTest {

    /** The password the test server accepts (OutboxTestSupport). */
    private static final String PASSWORD = "s3cret-Pa55";

    private static Map<String, Object> withPassword(int port, String password) {
        Map<String, Object> config = config(port);
        config.put("smtp.password", password);
        return config;
    }

    private static Email mail() {
        return Email.builder().to("jane@example.com").subject("Hello").text("Hi").build();
    }

    @Test
    void anEncryptedPasswordIsDecryptedAndTheServerAcceptsTheLogin() throws Exception {
        String enc = EncryptedValues.wrap(FakeCrypto.cipher("k1").encrypt(PASSWORD));
        try (TestSmtpServer smtp = server().start()) {
            DefaultMailService service = new DefaultMailService(withPassword(smtp.port(), enc), FakeCrypto.cipher("k1"));

            service.send(mail());

            assertEquals(1, smtp.messages().size());
            assertEquals("workflow", smtp.messages().get(0).authenticatedUser());
        }
    }

    @Test
    void duringAKeyRotationAPasswordOfThePreviousKeyStillWorks() throws Exception {
        String enc = EncryptedValues.wrap(FakeCrypto.cipher("old").encrypt(PASSWORD));
        try (TestSmtpServer smtp = server().start()) {
            new DefaultMailService(withPassword(smtp.port(), enc), FakeCrypto.rotated("new", "old")).send(mail());

            assertEquals(1, smtp.messages().size());
        }
    }

    @Test
    void anEncryptedPasswordWithoutACryptoServiceFailsNamingThePropertyAndWhatToInstallAndSendsNothing() throws Exception {
        String enc = EncryptedValues.wrap(FakeCrypto.cipher("k1").encrypt(PASSWORD));
        try (TestSmtpServer smtp = server().start()) {
            DefaultMailService service = new DefaultMailService(withPassword(smtp.port(), enc));

            MailException e = assertThrows(MailException.class, () -> service.send(mail()));

            assertTrue(e.getMessage().contains("smtp.password: is written ENC(...), but it cannot be decrypted: there is no"
                    + " CryptoService (names=mailer). Install Apache Sling Commons Crypto"), e.getMessage());
            assertEquals("smtp.password", e.getSetting().orElseThrow());
            assertEquals(List.of(), smtp.events(), "no connection");
        }
    }

    @Test
    void aPasswordEncryptedWithAnotherKeyFailsNamingThePropertyAndTheKeyNeverTheValueAndSendsNothing() throws Exception {
        String enc = EncryptedValues.wrap(FakeCrypto.cipher("old").encrypt(PASSWORD));
        try (TestSmtpServer smtp = server().start()) {
            DefaultMailService service = new DefaultMailService(withPassword(smtp.port(), enc), FakeCrypto.cipher("new"));

            MailException e = assertThrows(MailException.class, () -> service.send(mail()));

            assertTrue(e.getMessage().contains("smtp.password: is written ENC(...), but it could not be decrypted with the"
                    + " CryptoService (names=mailer)"), e.getMessage());
            assertTrue(e.getMessage().contains("it was encrypted with another key"), e.getMessage());
            assertFalse(e.getMessage().contains(enc.substring(4, 24)), e.getMessage());
            assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
            assertFalse(e.isTransient());
            assertEquals(List.of(), smtp.events(), "no connection");
        }
    }

    @Test
    void anEncryptedTruststorePasswordIsDecryptedToo() throws Exception {
        Map<String, Object> config = config(2525);
        config.put("smtp.truststore.password", EncryptedValues.wrap(FakeCrypto.cipher("k1").encrypt("changeit")));

        assertEquals("changeit", SmtpSettings.from(config, FakeCrypto.cipher("k1")).truststorePassword);
    }
}
