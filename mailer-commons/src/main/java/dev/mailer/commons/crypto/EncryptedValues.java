package dev.mailer.commons.crypto;

import dev.mailer.commons.config.ConfigReader;

/**
 * Configuration values written {@code ENC(ciphertext)}, as {@code java -jar mailer.jar encrypt}
 * prints them (the ciphertext is the CryptoService's own output, so Sling's tools make them too):
 * decrypted with the component's {@link SecretCipher}. A value that cannot be decrypted is a
 * configuration problem naming the property; the value itself is never quoted.
 */
public final class EncryptedValues {

    private static final String PREFIX = "ENC(";
    private static final String SUFFIX = ")";

    private EncryptedValues() {
    }

    /** {@code ciphertext} written as a configuration value. */
    public static String wrap(String ciphertext) {
        return PREFIX + ciphertext + SUFFIX;
    }

    /** Whether {@code value} is written {@code ENC(...)}. */
    public static boolean isEncrypted(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /**
     * The value of {@code property} as {@link ConfigReader#string} reads it, decrypted when it is
     * written {@code ENC(...)}.
     *
     * @return null when it is not set, or when it cannot be decrypted (a problem naming the property is recorded)
     */
    public static String read(ConfigReader reader, String property, SecretCipher cipher) {
        String value = reader.string(property);
        if (!isEncrypted(value)) {
            return value;
        }
        if (!value.endsWith(SUFFIX) || value.length() == PREFIX.length() + SUFFIX.length()) {
            reader.problem(property, CryptoFailures.incompleteValue());
            return null;
        }
        try {
            String plain = cipher.decrypt(value.substring(PREFIX.length(), value.length() - SUFFIX.length()).strip());
            return plain.isEmpty() ? null : plain;
        } catch (CipherException e) {
            reader.problem(property, CryptoFailures.valueNotDecrypted(e));
            return null;
        }
    }
}
