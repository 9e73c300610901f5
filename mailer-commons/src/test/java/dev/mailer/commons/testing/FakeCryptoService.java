package dev.mailer.commons.testing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sling.commons.crypto.CryptoService;

/**
 * A stand-in for a real CryptoService in unit tests: output that shows nothing of the input, and
 * decryption that fails for text another key encrypted, as Jasypt's does (the Pax Exam tests use
 * the real Jasypt one). Not cryptography: a keyed XOR with a check prefix.
 */
public final class FakeCryptoService implements CryptoService {

    private final String key;
    /** When set, text of another key decrypts to bytes with control characters instead of failing (AES-CBC's 1 in 256). */
    private volatile boolean garbageForOtherKeys;
    private final AtomicInteger decryptions = new AtomicInteger();

    public FakeCryptoService(String key) {
        this.key = key;
    }

    public FakeCryptoService garbageForOtherKeys() {
        this.garbageForOtherKeys = true;
        return this;
    }

    public int decryptions() {
        return decryptions.get();
    }

    @Override
    public String encrypt(String message) {
        return Base64.getEncoder().encodeToString(xor(("key:" + key + "\n" + message).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String decrypt(String ciphertext) {
        decryptions.incrementAndGet();
        String plain = new String(xor(Base64.getDecoder().decode(ciphertext)), StandardCharsets.UTF_8);
        String prefix = "key:" + key + "\n";
        if (!plain.startsWith(prefix)) {
            if (garbageForOtherKeys) {
                return "\u0003\u0017garbage";
            }
            throw new IllegalStateException("EncryptionOperationNotPossible (test): " + ciphertext);
        }
        return plain.substring(prefix.length());
    }

    private static byte[] xor(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = (byte) (bytes[i] ^ (0x5A + i * 31));
        }
        return out;
    }
}
