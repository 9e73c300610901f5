package dev.mailer.api.crypto;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Re-encrypts what one component keeps on disk with the current key of its CryptoService: for a
 * key rotation, while a CryptoService of the previous key is there too (it decrypts what was written
 * before), and to encrypt files written before there was a CryptoService. Registered only while a
 * CryptoService of the current key is bound: without one there is nothing to encrypt with.
 * Thread-safe; runs alongside sending and delivering.
 */
@ProviderType
public interface Reencryption {

    /** Service property: what the service re-encrypts, e.g. {@code outbox} or {@code refresh-token}. */
    String STORED = "mailer.stored";

    /**
     * Service property, present while a CryptoService of the previous key is bound (its target): what
     * that key encrypted can be read, and so re-encrypted.
     */
    String PREVIOUS_KEY = "mailer.crypto.previous";

    /**
     * Reads every stored item (with the current key, else the previous one, or unencrypted) and writes
     * it again encrypted with the current key. An item that cannot be read stays as it is and is named
     * in the report's failures.
     */
    ReencryptionReport reencrypt();
}
