package dev.mailer.commons.crypto;

import java.util.Map;

import org.osgi.framework.BundleContext;

import dev.mailer.api.crypto.Reencryption;
import dev.mailer.commons.config.PublishedService;
import dev.mailer.commons.config.ServiceName;

/**
 * The service registration of a component's {@link Reencryption}: published with its configuration
 * (without secrets), its {@linkplain ServiceName name}, what it re-encrypts ({@link Reencryption#STORED})
 * and, while the previous key's CryptoService is bound, that one's target ({@link Reencryption#PREVIOUS_KEY});
 * registered only when there is something to encrypt with, as the component decides.
 */
public final class ReencryptionRegistration {

    private final Map<String, Object> published;
    private final boolean registered;
    private PublishedService registration;

    /**
     * @param configuration the component's configuration properties
     * @param stored        what it re-encrypts, e.g. {@code outbox}
     * @param previousKey   true when the previous key's CryptoService is bound
     * @param register      false: no service (no CryptoService of the current key, or no data area)
     */
    public ReencryptionRegistration(Map<String, Object> configuration, String stored, boolean previousKey, boolean register) {
        this.published = ServiceName.of(configuration).publishedWith(configuration);
        published.put(Reencryption.STORED, stored);
        if (previousKey) {
            published.put(Reencryption.PREVIOUS_KEY, SecretCiphers.previousTarget(configuration));
        }
        this.registered = register;
    }

    /** A registration that registers nothing (tests build components without a framework). */
    public static ReencryptionRegistration none() {
        return new ReencryptionRegistration(Map.of(), "", false, false);
    }

    /** Registers {@code service} once its component is complete (at the end of activation). */
    public synchronized void register(BundleContext context, Reencryption service) {
        if (registered && registration == null) {
            registration = new PublishedService(context, service, published, Reencryption.class);
        }
    }

    public synchronized void unregister() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
    }
}
