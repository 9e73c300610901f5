package dev.mailer.commons.crypto;

import java.io.IOException;

/**
 * A secret could not be encrypted or decrypted. The message is a predicate naming the CryptoService
 * and the reason ("could not be decrypted with the CryptoService (names=mailer) (...): it was
 * encrypted with another key, or it is damaged"), so that callers can put what it was before it;
 * it never contains the secret or its ciphertext. An {@link IOException}: to a store, a file it
 * cannot decrypt is a file it cannot read.
 */
public final class CipherException extends IOException {

    private static final long serialVersionUID = 1L;

    public CipherException(String message) {
        super(message);
    }
}
