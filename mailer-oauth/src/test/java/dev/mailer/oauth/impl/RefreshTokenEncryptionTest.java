package dev.mailer.oauth.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.api.crypto.ReencryptionReport;
import dev.mailer.api.oauth.TokenStatus.RefreshTokenSource;
import dev.mailer.commons.crypto.CipherException;
import dev.mailer.commons.crypto.SecretCipher;
import dev.mailer.commons.crypto.SecretCiphers;
import dev.mailer.commons.testing.FakeCrypto;

/** The stored refresh token at rest: encrypted with a CryptoService, owner-only either way, older files still read, re-encrypted with a new key. */
class RefreshTokenEncryptionTest {

    private static final Instant SAVED = Instant.parse("2026-01-02T03:04:05Z");
    private static final String TOKEN = "0.AVYA-rotated-refresh-token-s3cret";
    private static final String KEY = "a-settings-key";

    @TempDir
    Path data;

    private Path file() {
        return data.resolve("rt.properties");
    }

    private RefreshTokenStore store(SecretCipher cipher) {
        RefreshTokenStore store = new RefreshTokenStore(file());
        store.useCipher(cipher);
        return store;
    }

    private String onDisk() throws Exception {
        return Files.readString(file(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void withACryptoServiceTheTokenIsStoredEncryptedAndReadsBack() throws Exception {
        store(FakeCrypto.cipher("k1")).put(KEY, TOKEN, RefreshTokenSource.ROTATED, SAVED);

        assertFalse(onDisk().contains(TOKEN), onDisk());
        assertTrue(onDisk().contains("refresh_token.encrypted="), onDisk());
        assertEquals(TOKEN, store(FakeCrypto.cipher("k1")).get(KEY).token);
    }

    @Test
    void withOrWithoutACryptoServiceTheFileIsReadableByItsOwnerOnly() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        for (SecretCipher cipher : new SecretCipher[] {SecretCiphers.none(), FakeCrypto.cipher("k1")}) {
            store(cipher).put(KEY, TOKEN, RefreshTokenSource.ROTATED, SAVED);

            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file())), cipher.toString());
        }
    }

    @Test
    void aTokenStoredUnencryptedBeforeReadsWithACryptoServiceAndTheNextWriteEncryptsIt() throws Exception {
        store(SecretCiphers.none()).put(KEY, TOKEN, RefreshTokenSource.AUTHORIZED, SAVED);
        assertTrue(onDisk().contains("refresh_token=" + TOKEN), "stored as it is without a CryptoService");

        RefreshTokenStore encrypting = store(FakeCrypto.cipher("k1"));
        assertEquals(TOKEN, encrypting.get(KEY).token);
        assertTrue(encrypting.replace(KEY, TOKEN, "successor-s3cret", SAVED));

        assertFalse(onDisk().contains("successor-s3cret"), onDisk());
        assertEquals("successor-s3cret", store(FakeCrypto.cipher("k1")).get(KEY).token);
    }

    @Test
    void aTokenEncryptedWithAKeyThatIsGoneCannotBeReadAndTheReasonNamesTheCryptoService() throws Exception {
        store(FakeCrypto.cipher("old")).put(KEY, TOKEN, RefreshTokenSource.ROTATED, SAVED);

        CipherException wrongKey = assertThrows(CipherException.class, () -> store(FakeCrypto.cipher("new")).get(KEY));
        CipherException none = assertThrows(CipherException.class, () -> store(SecretCiphers.none()).get(KEY));

        assertTrue(wrongKey.getMessage().startsWith("could not be decrypted with the CryptoService (names=mailer)"), wrongKey.getMessage());
        assertTrue(none.getMessage().startsWith("cannot be decrypted: there is no CryptoService (names=mailer)"), none.getMessage());
        assertFalse(wrongKey.getMessage().contains(TOKEN));
    }

    @Test
    void aTokenThatCannotBeDecryptedAnyMoreIsNotReplacedByTheOneReadBefore() throws Exception {
        RefreshTokenStore store = store(FakeCrypto.cipher("old"));
        store.put(KEY, TOKEN, RefreshTokenSource.ROTATED, SAVED);
        assertEquals(TOKEN, store.get(KEY).token);

        store.useCipher(FakeCrypto.cipher("new"));

        assertThrows(CipherException.class, () -> store.get(KEY));
    }

    @Test
    void aTokenOfOtherSettingsThatCannotBeDecryptedDoesNotStopANewlyConfiguredOne() throws Exception {
        store(FakeCrypto.cipher("lost")).put(KEY, TOKEN, RefreshTokenSource.ROTATED, SAVED);
        RefreshTokenStore store = store(FakeCrypto.cipher("new"));

        assertEquals(null, store.get("the-key-of-a-newly-configured-token"));
        assertTrue(store.replace("the-key-of-a-newly-configured-token", "configured", "its-successor", SAVED));

        assertEquals("its-successor", store(FakeCrypto.cipher("new")).get("the-key-of-a-newly-configured-token").token);
    }

    @Test
    void reencryptionWritesATokenOfThePreviousKeyWithTheCurrentKey() throws Exception {
        store(FakeCrypto.cipher("old")).put(KEY, TOKEN, RefreshTokenSource.ROTATED, SAVED);

        ReencryptionReport report = new RefreshTokenReencryption(file(), FakeCrypto.rotated("new", "old")).reencrypt();

        assertEquals(1, report.getReencrypted());
        assertTrue(report.isComplete());
        RefreshTokenStore.Stored stored = store(FakeCrypto.cipher("new")).get(KEY);
        assertEquals(TOKEN, stored.token);
        assertEquals(RefreshTokenSource.ROTATED, stored.source);
        assertEquals(SAVED, stored.savedAt);
    }

    @Test
    void reencryptionEncryptsATokenStoredUnencryptedAndReportsNothingWhenNoneIsStored() throws Exception {
        assertEquals(0, new RefreshTokenReencryption(file(), FakeCrypto.cipher("k1")).reencrypt().getReencrypted());

        store(SecretCiphers.none()).put(KEY, TOKEN, RefreshTokenSource.AUTHORIZED, SAVED);
        assertEquals(1, new RefreshTokenReencryption(file(), FakeCrypto.cipher("k1")).reencrypt().getReencrypted());

        assertFalse(onDisk().contains(TOKEN), onDisk());
    }

    @Test
    void reencryptionLeavesATokenOfAnUnknownKeyAsItWasAndNamesTheFile() throws Exception {
        store(FakeCrypto.cipher("other")).put(KEY, TOKEN, RefreshTokenSource.ROTATED, SAVED);
        String before = onDisk();

        ReencryptionReport report = new RefreshTokenReencryption(file(), FakeCrypto.rotated("new", "old")).reencrypt();

        assertFalse(report.isComplete());
        assertTrue(report.getFailures().get(0).startsWith("The stored refresh token " + file() + " is encrypted, but it could"
                + " not be decrypted with the CryptoService (names=mailer)"), report.getFailures().get(0));
        assertEquals(before, onDisk());
    }
}
