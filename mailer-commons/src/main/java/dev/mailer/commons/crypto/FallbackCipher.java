package dev.mailer.commons.crypto;

/**
 * During a key rotation: encrypts with the current key only, and decrypts what the previous key
 * encrypted too, so that nothing written before the rotation is lost until it is re-encrypted.
 */
final class FallbackCipher implements SecretCipher {

    private final SecretCipher current;
    private final SecretCipher previous;

    FallbackCipher(SecretCipher current, SecretCipher previous) {
        this.current = current;
        this.previous = previous;
    }

    @Override
    public boolean isPresent() {
        return current.isPresent();
    }

    @Override
    public String target() {
        return current.target();
    }

    @Override
    public String encrypt(String plain) throws CipherException {
        return current.encrypt(plain);
    }

    @Override
    public String decrypt(String ciphertext) throws CipherException {
        try {
            return current.decrypt(ciphertext);
        } catch (CipherException e) {
            try {
                return previous.decrypt(ciphertext);
            } catch (CipherException notEither) {
                throw e; // the current key's reason: the one to fix
            }
        }
    }

    @Override
    public String toString() {
        return "SecretCipher[" + current + ", previous " + previous + "]";
    }
}
