package dev.mailer.commons.crypto;

/**
 * Encrypts and decrypts the secrets a component keeps on disk or reads from its configuration
 * ({@code ENC(...)} values): our seam over a platform {@code CryptoService} (Apache Sling Commons
 * Crypto), so that only {@link CryptoServiceCipher} touches that optional package. Made by
 * {@link SecretCiphers}. Thread-safe; an exception never contains the text given to it.
 */
public interface SecretCipher {

    /** False when there is no CryptoService: nothing can be encrypted or decrypted, secrets are stored as they are. */
    boolean isPresent();

    /** The filter that selects the CryptoService, for messages: {@code (names=mailer)}. */
    String target();

    /** @throws CipherException saying why it could not be encrypted (never with the text) */
    String encrypt(String plain) throws CipherException;

    /**
     * Decrypts what {@link #encrypt} returned; where a previous key is configured, what it encrypted too.
     *
     * @throws CipherException when there is no CryptoService, or the text was encrypted with another
     *         key or is damaged (the message says which, never with the text)
     */
    String decrypt(String ciphertext) throws CipherException;
}
