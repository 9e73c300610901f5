package dev.mailer.commons.crypto;

import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * The {@link SecretCipher} of a component from the CryptoService references DS bound: the one of
 * the current key ({@value #REFERENCE}, target {@value #DEFAULT_TARGET}) and, during a key
 * rotation, the one of the previous key ({@value #PREVIOUS_REFERENCE}, target
 * {@value #DEFAULT_PREVIOUS_TARGET}), which only decrypts. Components declare both references with
 * these names and defaults, as {@code ServiceReference<CryptoService>} parameters (erased: the
 * component class never loads the optional type); the targets are configurable with
 * {@value #TARGET} and {@value #PREVIOUS_TARGET}.
 */
public final class SecretCiphers {

    /** The name of the DS reference to the CryptoService of the current key. */
    public static final String REFERENCE = "cryptoService";
    /** The name of the DS reference to the CryptoService of the previous key, used to decrypt only. */
    public static final String PREVIOUS_REFERENCE = "previousCryptoService";
    public static final String DEFAULT_TARGET = "(names=mailer)";
    public static final String DEFAULT_PREVIOUS_TARGET = "(names=mailer.previous)";
    /** The configuration property that selects the CryptoService (DS reference target). */
    public static final String TARGET = REFERENCE + ".target";
    public static final String PREVIOUS_TARGET = PREVIOUS_REFERENCE + ".target";

    private static final String CRYPTO_SERVICE = "org.apache.sling.commons.crypto.CryptoService";

    private SecretCiphers() {
    }

    /** No CryptoService with the default target: secrets stay as they are. */
    public static SecretCipher none() {
        return new AbsentCipher(DEFAULT_TARGET, CryptoFailures::absent);
    }

    /**
     * @param properties the component's properties, for the targets
     * @param current    the bound CryptoService of the current key; null when there is none
     * @param previous   the bound CryptoService of the previous key; null outside a key rotation
     */
    public static SecretCipher of(BundleContext context, Map<String, ?> properties, ServiceReference<?> current,
            ServiceReference<?> previous) {
        SecretCipher cipher = one(context, target(properties, TARGET, DEFAULT_TARGET), current);
        return previous == null ? cipher : new FallbackCipher(cipher, one(context, previousTarget(properties), previous));
    }

    /** The target of the previous key's CryptoService in {@code properties}, else the default. */
    public static String previousTarget(Map<String, ?> properties) {
        return target(properties, PREVIOUS_TARGET, DEFAULT_PREVIOUS_TARGET);
    }

    private static SecretCipher one(BundleContext context, String target, ServiceReference<?> reference) {
        if (reference == null) {
            return new AbsentCipher(target, CryptoFailures::absent);
        }
        if (!seesCryptoPackage()) {
            return new AbsentCipher(target, CryptoFailures::notVisible);
        }
        return new CryptoServiceCipher(context, reference, target);
    }

    /** Whether this bundle is wired to the CryptoService package (an optional import wired at resolution, or not). */
    private static boolean seesCryptoPackage() {
        try {
            Class.forName(CRYPTO_SERVICE, false, SecretCiphers.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static String target(Map<String, ?> properties, String property, String defaultTarget) {
        Object value = properties.get(property);
        return value instanceof String && !((String) value).isBlank() ? ((String) value).strip() : defaultTarget;
    }
}
