package dev.mailer.commons.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.mailer.commons.testing.FakeCrypto;
import dev.mailer.commons.testing.FakeCryptoService;

/** The seam over the CryptoService: present or not, the right key, a wrong one, a previous one; never the secret in a message. */
class SecretCiphersTest {

    private static final String SECRET = "s3cret-Password!";

    @Test
    void withoutACryptoServiceNothingIsEncryptedAndTheErrorSaysWhatToInstall() {
        SecretCipher none = new FakeCrypto().of(null, null, Map.of());

        assertFalse(none.isPresent());
        CipherException e = assertThrows(CipherException.class, () -> none.decrypt("abc"));
        assertTrue(e.getMessage().startsWith("cannot be decrypted: there is no CryptoService (names=mailer)"), e.getMessage());
        assertTrue(e.getMessage().contains("Install Apache Sling Commons Crypto"), e.getMessage());
        assertTrue(e.getMessage().contains("mailer.key"), e.getMessage());
        assertThrows(CipherException.class, () -> none.encrypt(SECRET));
    }

    @Test
    void aBoundCryptoServiceEncryptsAndDecryptsAndIsReleasedAfterEachCall() throws Exception {
        FakeCrypto crypto = new FakeCrypto();
        SecretCipher cipher = crypto.of(new FakeCryptoService("k1"), null, Map.of());

        String ciphertext = cipher.encrypt(SECRET);

        assertTrue(cipher.isPresent());
        assertFalse(ciphertext.contains(SECRET));
        assertEquals(SECRET, cipher.decrypt(ciphertext));
        assertEquals(2, crypto.taken());
        assertEquals(2, crypto.released());
    }

    @Test
    void textOfAnotherKeyFailsNamingTheCryptoServiceAndTheKeyWithoutQuotingIt() throws Exception {
        String ciphertext = FakeCrypto.cipher("old").encrypt(SECRET);

        CipherException e = assertThrows(CipherException.class, () -> FakeCrypto.cipher("new").decrypt(ciphertext));

        assertEquals("could not be decrypted with the CryptoService (names=mailer) (IllegalStateException): it was encrypted"
                + " with another key, or it is damaged", e.getMessage());
        assertFalse(e.getMessage().contains(ciphertext));
    }

    @Test
    void unreadableTextThatAWrongKeyCanYieldCountsAsAWrongKeyNotAsTheSecret() throws Exception {
        String ciphertext = FakeCrypto.cipher("old").encrypt(SECRET);
        SecretCipher wrong = new FakeCrypto().of(new FakeCryptoService("new").garbageForOtherKeys(), null, Map.of());

        CipherException e = assertThrows(CipherException.class, () -> wrong.decrypt(ciphertext));

        assertTrue(e.getMessage().startsWith("could not be decrypted with the CryptoService (names=mailer) (it yields unreadable"
                + " text): it was encrypted with another key"), e.getMessage());
    }

    @Test
    void duringARotationThePreviousKeyDecryptsWhatItEncryptedAndOnlyTheCurrentKeyEncrypts() throws Exception {
        String old = FakeCrypto.cipher("old").encrypt(SECRET);
        SecretCipher rotated = FakeCrypto.rotated("new", "old");

        String fresh = rotated.encrypt(SECRET);

        assertEquals(SECRET, rotated.decrypt(old));
        assertEquals(SECRET, FakeCrypto.cipher("new").decrypt(fresh));
        assertThrows(CipherException.class, () -> FakeCrypto.cipher("old").decrypt(fresh));
    }

    @Test
    void whenNeitherKeyDecryptsTheCurrentKeysReasonIsGiven() throws Exception {
        String other = FakeCrypto.cipher("other").encrypt(SECRET);

        CipherException e = assertThrows(CipherException.class, () -> FakeCrypto.rotated("new", "old").decrypt(other));

        assertTrue(e.getMessage().contains("CryptoService (names=mailer) "), e.getMessage());
    }

    @Test
    void aConfiguredTargetIsTheOneNamedInMessages() {
        SecretCipher none = new FakeCrypto().of(null, null, Map.of(SecretCiphers.TARGET, "(names=aem-mailer)"));

        assertEquals("(names=aem-mailer)", none.target());
        CipherException e = assertThrows(CipherException.class, () -> none.decrypt("x"));
        assertTrue(e.getMessage().contains("there is no CryptoService (names=aem-mailer)"), e.getMessage());
    }

    @Test
    void aCryptoServiceThatStoppedMeanwhileIsReportedAsGone() {
        FakeCrypto crypto = new FakeCrypto();
        SecretCipher cipher = crypto.of(new FakeCryptoService("k1"), null, Map.of());
        crypto.stop();

        CipherException e = assertThrows(CipherException.class, () -> cipher.encrypt(SECRET));

        assertEquals("cannot be encrypted: the CryptoService (names=mailer) is no longer available (its bundle stopped)",
                e.getMessage());
    }
}
