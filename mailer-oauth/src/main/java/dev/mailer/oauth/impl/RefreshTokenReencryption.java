package dev.mailer.oauth.impl;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.sling.commons.crypto.CryptoService;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.crypto.Reencryption;
import dev.mailer.api.crypto.ReencryptionReport;
import dev.mailer.commons.config.ServiceName;
import dev.mailer.commons.crypto.ReencryptionRegistration;
import dev.mailer.commons.crypto.SecretCipher;
import dev.mailer.commons.crypto.SecretCiphers;

/**
 * Re-encrypts the stored refresh token (of the provider of the same name) with the current key ({@link Reencryption},
 * {@code mailer.stored=refresh-token}): a key rotation, or a token stored before there was a
 * CryptoService. A component of its own, so that the token is re-encrypted whether or not the token
 * provider is configured now (a key rotation must lose no token); its configuration, optional here,
 * only selects the CryptoServices as for {@link OAuthConfigurationProviderImpl}. Registered only
 * while a CryptoService of the current key is bound. Thread-safe: the store serializes it with
 * rotations and sign-ins.
 */
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"dev.mailer.api.crypto.Reencryption\"",
        uses = Reencryption.class)
@Component(service = {}, immediate = true, configurationPid = OAuthConfigurationProviderImpl.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public class RefreshTokenReencryption implements Reencryption {

    static final String STORED = "refresh-token";

    private static final Logger LOG = LoggerFactory.getLogger(RefreshTokenReencryption.class);

    private final RefreshTokenStore store;
    private final SecretCipher cipher;
    private final ReencryptionRegistration registration;

    @Activate
    public RefreshTokenReencryption(BundleContext context, Map<String, Object> properties,
            @Reference(name = SecretCiphers.REFERENCE, target = SecretCiphers.DEFAULT_TARGET,
                    cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            ServiceReference<CryptoService> crypto,
            @Reference(name = SecretCiphers.PREVIOUS_REFERENCE, target = SecretCiphers.DEFAULT_PREVIOUS_TARGET,
                    cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            ServiceReference<CryptoService> previousCrypto) {
        File data = context.getDataFile("");
        this.cipher = SecretCiphers.of(context, properties, crypto, previousCrypto);
        this.store = data == null || !cipher.isPresent() ? null
                : RefreshTokenStores.of(data.toPath().resolve(
                        ServiceName.of(properties).dataName(OAuthConfigurationProviderImpl.REFRESH_TOKEN_FILE)));
        this.registration = new ReencryptionRegistration(properties, STORED, previousCrypto != null, store != null);
    }

    /** For tests: the token stored in {@code file}. */
    RefreshTokenReencryption(Path file, SecretCipher cipher) {
        this.cipher = cipher;
        this.store = RefreshTokenStores.of(file);
        this.registration = ReencryptionRegistration.none();
    }

    /** Registers the service once the component is complete; not without a CryptoService: nothing to encrypt with. */
    @Activate
    void activate(BundleContext context) {
        registration.register(context, this);
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
    }

    @Override
    public ReencryptionReport reencrypt() {
        String stored = "the stored refresh token " + store.file();
        try {
            int count = store.reseal(cipher) ? 1 : 0;
            LOG.info("Re-encrypted {} with the current key{}", stored, count == 0 ? ": there is none" : "");
            return new ReencryptionReport(stored, count, List.of());
        } catch (IOException e) {
            String failure = OAuthFailures.storedRefreshTokenNotReencrypted(store.file(), e);
            LOG.error(failure);
            return new ReencryptionReport(stored, 0, List.of(failure));
        }
    }
}
