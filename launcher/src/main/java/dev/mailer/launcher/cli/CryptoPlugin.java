package dev.mailer.launcher.cli;

import java.util.Dictionary;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationPlugin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import dev.mailer.commons.crypto.SecretCiphers;
import dev.mailer.launcher.args.CryptoKeys;

/**
 * Makes the mailer's components wait for the CryptoService the launcher configures
 * ({@link CryptoConfigurations}): their references to it are optional (a platform without Sling
 * Commons Crypto), so DS would activate them without it when the configurations arrive first, and
 * again once it is there; in between a send would fail on an {@code ENC(...)} password and the
 * outbox would write unencrypted. Adds the DS minimum cardinality of those references
 * ({@code <reference>.cardinality.minimum=1}) to the mailer's configurations; during a key rotation
 * also for the previous key's. ConfigAdmin delivers no configuration before this plugin is there
 * ({@code felix.cm.config.plugins}). It needs no ConfigurationAdmin itself: ConfigAdmin starts only
 * once its required plugins are registered.
 */
@Component(property = {ConfigurationPlugin.CM_RANKING + ":Integer=500", "config.plugin.id=" + CryptoKeys.PLUGIN_ID})
public class CryptoPlugin implements ConfigurationPlugin {

    static final String MINIMUM = ".cardinality.minimum";

    private static final Set<String> MAILER_PIDS = Set.of(ServiceWaiter.MAIL_SERVICE_PID, ServiceWaiter.OAUTH_PID);

    private final boolean key;
    private final boolean previousKey;

    @Activate
    public CryptoPlugin(BundleContext context) {
        this.key = context.getProperty(CryptoKeys.KEY_PROPERTY) != null;
        this.previousKey = context.getProperty(CryptoKeys.PREVIOUS_KEY_PROPERTY) != null;
    }

    @Override
    public void modifyConfiguration(ServiceReference<?> reference, Dictionary<String, Object> properties) {
        if (!key || !MAILER_PIDS.contains(properties.get(Constants.SERVICE_PID))) {
            return;
        }
        properties.put(SecretCiphers.REFERENCE + MINIMUM, 1);
        if (previousKey) {
            properties.put(SecretCiphers.PREVIOUS_REFERENCE + MINIMUM, 1);
        }
    }
}
