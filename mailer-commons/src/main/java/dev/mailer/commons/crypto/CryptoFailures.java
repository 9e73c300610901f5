package dev.mailer.commons.crypto;

/**
 * The one source of the texts about encrypted secrets that mailer-core and mailer-oauth share: why
 * a value or a file cannot be decrypted, and what to install or configure. None quotes a secret or
 * a ciphertext. The texts of {@link CipherException}s are predicates ("could not be decrypted
 * with ..."), so that the caller names what it was.
 */
public final class CryptoFailures {

    static final String ENCRYPTED = "encrypted";
    static final String DECRYPTED = "decrypted";

    private static final String WRONG_KEY = ": it was encrypted with another key, or it is damaged";

    private CryptoFailures() {
    }

    /** No CryptoService matches {@code target}. */
    static String absent(String target, String operation) {
        return "cannot be " + operation + ": there is no CryptoService " + target + ". " + install(target);
    }

    /** A CryptoService is registered, but this bundle was resolved before its package was there. */
    static String notVisible(String target, String operation) {
        return "cannot be " + operation + ": a CryptoService " + target + " is registered, but this bundle was resolved before"
                + " Apache Sling Commons Crypto was installed and cannot use it; refresh the bundle (or restart the framework)";
    }

    /** The CryptoService threw: another key, or damaged input (only the exception's class is shown: its message might quote it). */
    static String failed(String target, String operation, RuntimeException e) {
        return "could not be " + operation + " with the CryptoService " + target + " (" + e.getClass().getSimpleName() + ")"
                + (DECRYPTED.equals(operation) ? WRONG_KEY : "");
    }

    /** The CryptoService returned text that no secret of ours contains: the sure sign of a wrong key. */
    static String implausible(String target) {
        return "could not be " + DECRYPTED + " with the CryptoService " + target + " (it yields unreadable text)" + WRONG_KEY;
    }

    /** The CryptoService went away while it was used (its bundle stopped). */
    static String gone(String target, String operation) {
        return "cannot be " + operation + ": the CryptoService " + target + " is no longer available (its bundle stopped)";
    }

    /** A configuration value written {@code ENC(...)} that cannot be decrypted; {@code e} says why. */
    public static String valueNotDecrypted(CipherException e) {
        return "is written ENC(...), but it " + e.getMessage() + ". Encrypt the value again with the current key"
                + " (java -jar mailer.jar encrypt) or restore the key it was encrypted with; or give it unencrypted"
                + " (e.g. $[secret:NAME] from a secret file)";
    }

    /** A value that starts like {@code ENC(...)} but is not one. */
    static String incompleteValue() {
        return "starts with ENC( but is not a complete ENC(...) value; give the whole output of java -jar mailer.jar encrypt,"
                + " or the value unencrypted";
    }

    /** Said once per component whose secrets at rest stay unencrypted: {@code what} are stored as they are in {@code where}. */
    public static String storedUnencrypted(String what, Object where, SecretCipher cipher) {
        return storedUnencrypted(what, "in files only their owner can read", where, cipher);
    }

    /** As {@link #storedUnencrypted(String, Object, SecretCipher)}, with what protects them instead (e.g. a repository's access control). */
    public static String storedUnencrypted(String what, String protection, Object where, SecretCipher cipher) {
        return what + " are stored unencrypted (" + protection + ") in " + where + ": there is no CryptoService "
                + cipher.target() + ". " + install(cipher.target());
    }

    private static String install(String target) {
        return "Install Apache Sling Commons Crypto and configure a CryptoService matching " + target + " (e.g. its Jasypt"
                + " Standard PBE String Crypto Service with a File Password Provider; java -jar mailer.jar configures one with"
                + " the key file mailer.key in the secrets directory), or set " + SecretCiphers.TARGET + " to the one to use";
    }
}
