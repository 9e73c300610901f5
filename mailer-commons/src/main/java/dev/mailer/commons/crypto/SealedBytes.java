package dev.mailer.commons.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The content of a file at rest, encrypted with a {@link SecretCipher} when a CryptoService is
 * there: a marker line, then the CryptoService's ciphertext of the base64 of the content (it
 * encrypts text). A file without the marker is read as it is: written without a CryptoService, or
 * before there was one; the next write encrypts it.
 */
public final class SealedBytes {

    /** Starts every encrypted file; a NUL byte starts no MIME message or text file we write. */
    private static final byte[] MARKER = "\0mailer-encrypted 1\n".getBytes(StandardCharsets.US_ASCII);

    private SealedBytes() {
    }

    /** {@code content} encrypted behind the marker when the cipher {@linkplain SecretCipher#isPresent() is present}, else as it is. */
    public static byte[] seal(byte[] content, SecretCipher cipher) throws CipherException {
        if (!cipher.isPresent()) {
            return content;
        }
        byte[] ciphertext = cipher.encrypt(Base64.getEncoder().encodeToString(content)).getBytes(StandardCharsets.US_ASCII);
        byte[] sealed = Arrays.copyOf(MARKER, MARKER.length + ciphertext.length);
        System.arraycopy(ciphertext, 0, sealed, MARKER.length, ciphertext.length);
        return sealed;
    }

    /** Whether {@code stored} is encrypted (begins with the marker). */
    public static boolean isSealed(byte[] stored) {
        return stored.length >= MARKER.length && Arrays.equals(stored, 0, MARKER.length, MARKER, 0, MARKER.length);
    }

    /** The content of what {@link #seal} wrote: decrypted when it is encrypted, else as it is. */
    public static byte[] open(byte[] stored, SecretCipher cipher) throws CipherException {
        if (!isSealed(stored)) {
            return stored;
        }
        String plain = cipher.decrypt(new String(stored, MARKER.length, stored.length - MARKER.length, StandardCharsets.US_ASCII));
        try {
            return Base64.getDecoder().decode(plain);
        } catch (IllegalArgumentException e) {
            throw new CipherException(CryptoFailures.implausible(cipher.target()));
        }
    }
}
