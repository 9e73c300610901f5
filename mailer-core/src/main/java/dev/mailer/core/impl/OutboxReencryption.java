package dev.mailer.core.impl;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
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
 * Re-encrypts the outbox's messages with the current key ({@link Reencryption}, {@code mailer.stored=outbox}):
 * a key rotation, or messages queued before there was a CryptoService. A component of its own, so
 * that it works whether or not the mail service is configured (its configuration, optional here,
 * only selects the CryptoServices as for {@link DefaultMailService}), and registered only while a
 * CryptoService of the current key is bound. Thread-safe: it runs beside deliveries
 * ({@link OutboxStore#reseal}).
 */
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"dev.mailer.api.crypto.Reencryption\"",
        uses = Reencryption.class)
@Component(service = {}, immediate = true, configurationPid = DefaultMailService.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public class OutboxReencryption implements Reencryption {

    static final String STORED = "outbox";

    private static final Logger LOG = LoggerFactory.getLogger(OutboxReencryption.class);

    private final OutboxStore store;
    private final ReencryptionRegistration registration;

    @Activate
    public OutboxReencryption(BundleContext context, Map<String, Object> properties,
            @Reference(name = SecretCiphers.REFERENCE, target = SecretCiphers.DEFAULT_TARGET,
                    cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            ServiceReference<CryptoService> crypto,
            @Reference(name = SecretCiphers.PREVIOUS_REFERENCE, target = SecretCiphers.DEFAULT_PREVIOUS_TARGET,
                    cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            ServiceReference<CryptoService> previousCrypto) {
        ServiceName name = ServiceName.of(properties);
        File data = context.getDataFile(name.dataName(OutboxStore.DATA_DIRECTORY));
        SecretCipher cipher = SecretCiphers.of(context, properties, crypto, previousCrypto);
        this.store = data == null || !cipher.isPresent() ? null : new OutboxStore(data.toPath(), Clock.systemUTC(), cipher);
        this.registration = new ReencryptionRegistration(properties, STORED, previousCrypto != null, store != null);
    }

    /** For tests: the outbox in {@code directory}. */
    OutboxReencryption(Path directory, SecretCipher cipher) {
        this.store = new OutboxStore(directory, Clock.systemUTC(), cipher);
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
        int count = 0;
        List<String> failures = new ArrayList<>();
        for (OutboxState state : store.list()) {
            try {
                if (store.reseal(state.id)) {
                    count++;
                }
            } catch (IOException e) {
                failures.add(OutboxFailures.notReencrypted(store.mimeFile(state.id), e));
            }
        }
        LOG.info("Re-encrypted {} outbox message(s) in {} with the current key{}", count, store.directory(),
                failures.isEmpty() ? "" : "; " + failures.size() + " could not be: " + failures);
        return new ReencryptionReport("outbox messages in " + store.directory(), count, failures);
    }
}
