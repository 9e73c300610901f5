package dev.mailer.commons.crypto;

/** No usable CryptoService: every operation fails saying why and what to do. */
final class AbsentCipher implements SecretCipher {

    /** Why there is none: {@link CryptoFailures#absent} or {@link CryptoFailures#notVisible}. */
    @FunctionalInterface
    interface Reason {
        String text(String target, String operation);
    }

    private final String target;
    private final Reason reason;

    AbsentCipher(String target, Reason reason) {
        this.target = target;
        this.reason = reason;
    }

    @Override
    public boolean isPresent() {
        return false;
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public String encrypt(String plain) throws CipherException {
        throw new CipherException(reason.text(target, CryptoFailures.ENCRYPTED));
    }

    @Override
    public String decrypt(String ciphertext) throws CipherException {
        throw new CipherException(reason.text(target, CryptoFailures.DECRYPTED));
    }

    @Override
    public String toString() {
        return "SecretCipher[none " + target + "]";
    }
}
