package dev.mailer.commons.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.mailer.commons.testing.FakeCrypto;

/** File content at rest: encrypted behind a marker with a CryptoService, as it is without; files of either kind read back. */
class SealedBytesTest {

    private static final byte[] MIME = "Subject: Quarterly numbers\r\n\r\nThe body nobody else may read.\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    @Test
    void withACryptoServiceTheContentIsEncryptedAndReadsBack() throws Exception {
        byte[] sealed = SealedBytes.seal(MIME, FakeCrypto.cipher("k1"));

        assertTrue(SealedBytes.isSealed(sealed));
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("body nobody"));
        assertArrayEquals(MIME, SealedBytes.open(sealed, FakeCrypto.cipher("k1")));
    }

    @Test
    void withoutACryptoServiceTheContentIsStoredAsItIs() throws Exception {
        assertSame(MIME, SealedBytes.seal(MIME, SecretCiphers.none()));
    }

    @Test
    void contentWrittenUnencryptedBeforeStillReadsWithACryptoService() throws Exception {
        assertFalse(SealedBytes.isSealed(MIME));
        assertArrayEquals(MIME, SealedBytes.open(MIME, FakeCrypto.cipher("k1")));
    }

    @Test
    void encryptedContentWithoutItsKeyFailsSayingSo() throws Exception {
        byte[] sealed = SealedBytes.seal(MIME, FakeCrypto.cipher("old"));

        CipherException wrong = assertThrows(CipherException.class, () -> SealedBytes.open(sealed, FakeCrypto.cipher("new")));
        CipherException none = assertThrows(CipherException.class, () -> SealedBytes.open(sealed, SecretCiphers.none()));

        assertTrue(wrong.getMessage().contains("another key"), wrong.getMessage());
        assertTrue(none.getMessage().contains("there is no CryptoService (names=mailer)"), none.getMessage());
    }

    @Test
    void duringARotationContentOfThePreviousKeyReadsBack() throws Exception {
        byte[] sealed = SealedBytes.seal(MIME, FakeCrypto.cipher("old"));

        assertEquals(new String(MIME, StandardCharsets.US_ASCII),
                new String(SealedBytes.open(sealed, FakeCrypto.rotated("new", "old")), StandardCharsets.US_ASCII));
    }
}
