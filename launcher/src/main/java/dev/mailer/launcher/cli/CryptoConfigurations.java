package dev.mailer.launcher.cli;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.commons.crypto.SecretCiphers;
import dev.mailer.launcher.args.CryptoKeys;

/**
 * Configures Apache Sling Commons Crypto as the launcher ships it: a Jasypt CryptoService
 * {@code names=mailer} whose password a File Password Provider reads from the key file the
 * launcher's Main named ({@value CryptoKeys#KEY_PROPERTY}), and during a key rotation a second one,
 * {@code names=mailer.previous}, for the previous key. The algorithm and iterations are written
 * out, not left to the bundle's defaults: they are part of the format of what is stored. Nothing
 * without the framework property (the CLI bundle in another container). The configurations live
 * in this run's ConfigAdmin store, made anew on every start.
 */
@Component(service = {}, immediate = true)
public class CryptoConfigurations {

    static final String CRYPTO_SERVICE = "org.apache.sling.commons.crypto.CryptoService";

    private static final Logger LOG = LoggerFactory.getLogger(CryptoConfigurations.class);

    private static final String PASSWORD_PROVIDER = "org.apache.sling.commons.crypto.internal.FilePasswordProvider";
    private static final String IV_GENERATOR = "org.apache.sling.commons.crypto.jasypt.internal.JasyptRandomIvGeneratorRegistrar";
    private static final String JASYPT = "org.apache.sling.commons.crypto.jasypt.internal.JasyptStandardPbeStringCryptoService";
    private static final String ALGORITHM = "PBEWITHHMACSHA512ANDAES_256";
    private static final int ITERATIONS = 1000;
    private static final String NAME = "mailer";
    private static final String PREVIOUS_NAME = "mailer.previous";

    @Activate
    public CryptoConfigurations(BundleContext context, @Reference ConfigurationAdmin configurationAdmin) {
        String key = context.getProperty(CryptoKeys.KEY_PROPERTY);
        if (key == null) {
            return;
        }
        String previous = context.getProperty(CryptoKeys.PREVIOUS_KEY_PROPERTY);
        try {
            configure(configurationAdmin, IV_GENERATOR, NAME, new Hashtable<>());
            cryptoService(configurationAdmin, NAME, key, SecretCiphers.DEFAULT_TARGET);
            if (previous != null) {
                cryptoService(configurationAdmin, PREVIOUS_NAME, previous, SecretCiphers.DEFAULT_PREVIOUS_TARGET);
            }
        } catch (IOException e) {
            LOG.error("Cannot configure the CryptoService of the key {}: {}", key, e.toString());
        }
    }

    /** A File Password Provider and a Jasypt CryptoService, both named {@code name}; {@code target} selects the provider. */
    private static void cryptoService(ConfigurationAdmin admin, String name, String keyFile, String target) throws IOException {
        Dictionary<String, Object> provider = new Hashtable<>();
        provider.put("names", new String[] {name});
        provider.put("path", keyFile);
        provider.put("fix.posixNewline", Boolean.TRUE);
        configure(admin, PASSWORD_PROVIDER, name, provider);
        Dictionary<String, Object> service = new Hashtable<>();
        service.put("names", new String[] {name});
        service.put("algorithm", ALGORITHM);
        service.put("keyObtentionIterations", ITERATIONS);
        service.put("passwordProvider.target", target);
        configure(admin, JASYPT, name, service);
    }

    private static void configure(ConfigurationAdmin admin, String factoryPid, String name, Dictionary<String, Object> properties)
            throws IOException {
        admin.getFactoryConfiguration(factoryPid, name, "?").update(properties);
    }
}
