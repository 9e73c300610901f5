package dev.mailer.commons.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.mailer.commons.config.ConfigReader;
import dev.mailer.commons.testing.FakeCrypto;

/** Configuration values written ENC(...): decrypted, or a problem naming the property that never quotes the value. */
class EncryptedValuesTest {

    private static final String PASSWORD = "smtp.password";
    private static final String SECRET = "s3cret-Password!";

    @Test
    void anEncValueIsDecryptedWithTheComponentsCipher() throws Exception {
        String enc = EncryptedValues.wrap(FakeCrypto.cipher("k1").encrypt(SECRET));
        ConfigReader reader = new ConfigReader(Map.of(PASSWORD, enc));

        assertEquals(SECRET, EncryptedValues.read(reader, PASSWORD, FakeCrypto.cipher("k1")));
        assertTrue(reader.problems().isEmpty());
    }

    @Test
    void aPlainValueIsReadAsItIsWithOrWithoutACryptoService() {
        ConfigReader reader = new ConfigReader(Map.of(PASSWORD, SECRET));

        assertEquals(SECRET, EncryptedValues.read(reader, PASSWORD, SecretCiphers.none()));
        assertEquals(SECRET, EncryptedValues.read(reader, PASSWORD, FakeCrypto.cipher("k1")));
        assertTrue(reader.problems().isEmpty());
    }

    @Test
    void anEncValueWithoutACryptoServiceIsAProblemNamingThePropertyAndWhatToInstall() throws Exception {
        String enc = EncryptedValues.wrap(FakeCrypto.cipher("k1").encrypt(SECRET));
        ConfigReader reader = new ConfigReader(Map.of(PASSWORD, enc));

        assertNull(EncryptedValues.read(reader, PASSWORD, SecretCiphers.none()));

        String problem = single(reader.problems());
        assertTrue(problem.startsWith("smtp.password: is written ENC(...), but it cannot be decrypted: there is no CryptoService"
                + " (names=mailer). Install Apache Sling Commons Crypto"), problem);
        assertFalse(problem.contains(enc.substring(4, 20)), problem);
    }

    @Test
    void anEncValueOfAnotherKeyIsAProblemNamingThePropertyAndTheKeyNeverTheValue() throws Exception {
        String enc = EncryptedValues.wrap(FakeCrypto.cipher("old").encrypt(SECRET));
        ConfigReader reader = new ConfigReader(Map.of(PASSWORD, enc));

        assertNull(EncryptedValues.read(reader, PASSWORD, FakeCrypto.cipher("new")));

        String problem = single(reader.problems());
        assertTrue(problem.startsWith("smtp.password: is written ENC(...), but it could not be decrypted with the CryptoService"
                + " (names=mailer) (IllegalStateException): it was encrypted with another key"), problem);
        assertTrue(problem.contains("java -jar mailer.jar encrypt"), problem);
        assertFalse(problem.contains(enc.substring(4, 20)), problem);
        assertFalse(problem.contains(SECRET), problem);
    }

    @Test
    void anIncompleteEncValueIsAProblemRatherThanAPassword() {
        ConfigReader reader = new ConfigReader(Map.of(PASSWORD, "ENC(abc"));

        assertNull(EncryptedValues.read(reader, PASSWORD, FakeCrypto.cipher("k1")));

        assertTrue(single(reader.problems()).startsWith("smtp.password: starts with ENC( but is not a complete ENC(...) value"));
    }

    private static String single(List<String> problems) {
        assertEquals(1, problems.size(), problems.toString());
        return problems.get(0);
    }
}
