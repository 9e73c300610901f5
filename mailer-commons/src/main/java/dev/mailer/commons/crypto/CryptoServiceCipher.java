package dev.mailer.commons.crypto;

import org.apache.sling.commons.crypto.CryptoService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * The one class of ours that touches Apache Sling Commons Crypto's {@link CryptoService}, whose
 * package our bundles import optionally: {@link SecretCiphers} creates it only for a service DS
 * bound, once it checked that this bundle sees the package, so nothing else ever loads the type.
 * The service is taken for each call and released after it.
 *
 * <p>Decryption with a wrong key usually fails inside the CryptoService; when the padding happens
 * to fit (about one time in 256 with AES-CBC), it yields random bytes instead. Our secrets are
 * printable text (passwords, tokens, base64), so text with control characters or undecodable bytes
 * is taken as that failure: a wrong key never passes as a secret.
 */
final class CryptoServiceCipher implements SecretCipher {

    private final BundleContext context;
    private final ServiceReference<?> reference;
    private final String target;

    CryptoServiceCipher(BundleContext context, ServiceReference<?> reference, String target) {
        this.context = context;
        this.reference = reference;
        this.target = target;
    }

    @Override
    public boolean isPresent() {
        return true;
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public String encrypt(String plain) throws CipherException {
        CryptoService service = service(CryptoFailures.ENCRYPTED);
        try {
            return service.encrypt(plain);
        } catch (RuntimeException e) {
            throw new CipherException(CryptoFailures.failed(target, CryptoFailures.ENCRYPTED, e));
        } finally {
            release();
        }
    }

    @Override
    public String decrypt(String ciphertext) throws CipherException {
        CryptoService service = service(CryptoFailures.DECRYPTED);
        String plain;
        try {
            plain = service.decrypt(ciphertext);
        } catch (RuntimeException e) {
            throw new CipherException(CryptoFailures.failed(target, CryptoFailures.DECRYPTED, e));
        } finally {
            release();
        }
        if (!isPlausible(plain)) {
            throw new CipherException(CryptoFailures.implausible(target));
        }
        return plain;
    }

    static boolean isPlausible(String text) {
        return text != null && text.chars().noneMatch(c -> Character.isISOControl(c) || c == '\uFFFD');
    }

    private CryptoService service(String operation) throws CipherException {
        Object service;
        try {
            service = context.getService(reference);
        } catch (IllegalStateException e) {
            service = null; // our bundle is stopping
        }
        if (service == null) {
            throw new CipherException(CryptoFailures.gone(target, operation));
        }
        return (CryptoService) service;
    }

    private void release() {
        try {
            context.ungetService(reference);
        } catch (IllegalStateException e) {
            // our bundle is stopping: the framework releases it
        }
    }

    @Override
    public String toString() {
        return "SecretCipher[CryptoService " + target + "]";
    }
}
