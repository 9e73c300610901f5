package dev.mailer.launcher.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

import dev.mailer.api.MailService;
import dev.mailer.api.check.SelfCheck;
import dev.mailer.api.crypto.Reencryption;
import dev.mailer.launcher.args.CryptoKeys;
import dev.mailer.launcher.args.ServiceOption;

/**
 * Waits a bounded time for the services a command needs, which appear only once FileInstall has
 * read the configuration and DS has activated the components; says what is missing otherwise.
 * The services are held until {@link #close()}: one waiter per command run.
 */
final class ServiceWaiter implements AutoCloseable {

    /** Framework property: how long to wait for a service, in seconds. */
    static final String WAIT_PROPERTY = "mailer.launcher.service.wait";
    /** Framework property: the folder FileInstall reads configurations from, for the messages. */
    static final String CONFIG_DIR_PROPERTY = "felix.fileinstall.dir";

    static final String MAIL_SERVICE_PID = "dev.mailer.core.impl.DefaultMailService";
    static final String OAUTH_PID = "dev.mailer.oauth.impl.OAuthConfigurationProviderImpl";
    /** The configurations whose components publish a {@link SelfCheck}: the SMTP relay's. */
    static final String RELAY_PID = "dev.mailer.relay.impl.SmtpRelay";

    /** A service did not appear; the message says which configuration it needs. */
    static final class UnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnavailableException(String message) {
            super(message);
        }
    }

    private final BundleContext context;
    private final long waitSeconds;
    private final String configDir;
    /** --service NAME: the mail service and token provider of that name; null: the plain (unnamed) ones. */
    private final String serviceName;
    private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();

    ServiceWaiter(BundleContext context) {
        this.context = context;
        String wait = context.getProperty(WAIT_PROPERTY);
        this.waitSeconds = wait == null ? 30 : Long.parseLong(wait);
        this.configDir = context.getProperty(CONFIG_DIR_PROPERTY);
        this.serviceName = context.getProperty(ServiceOption.PROPERTY);
    }

    /** The mail service (and its check), once DefaultMailService is configured and active. */
    <S> S mailService(Class<S> type) throws UnavailableException, InterruptedException {
        String pid = configurationName(MAIL_SERVICE_PID);
        String needs = "the mail service" + (serviceName == null ? "" : " " + serviceName) + " needs the configuration " + pid
                + (configDir == null ? "" : " (a " + pid + ".cfg.json file in " + configDir + ")")
                + " and an active mailer-core bundle";
        if (configDir != null && !hasConfigFile(pid)) {
            List<String> named = namedConfigurations(MAIL_SERVICE_PID);
            if (serviceName != null || !named.isEmpty()) {
                // no configuration file of that name: waiting cannot help
                throw new UnavailableException(needs + (named.isEmpty() ? "" : "; the named services here are " + String.join(", ", named)
                        + ": pass --service NAME"));
            }
        }
        return await(type, needs);
    }

    /** A service of the OAuth2 token provider, once it is configured and active. */
    <S> S tokenProvider(Class<S> type) throws UnavailableException, InterruptedException {
        String pid = configurationName(OAUTH_PID);
        String needs = "there is no OAuth2 token provider" + (serviceName == null ? "" : " " + serviceName) + ": it needs the configuration "
                + pid + (serviceName == null ? ", e.g. MAILER_PROFILE=office365, office365-app, gmail or acs" : "")
                + (configDir == null ? "" : ", or a " + pid + ".cfg.json file in " + configDir)
                + ", and an active mailer-oauth bundle";
        if (configDir != null && !hasConfigFile(pid)) {
            // no configuration file: waiting cannot help
            throw new UnavailableException(needs);
        }
        return await(type, needs);
    }

    /**
     * The CryptoService the launcher configured ({@code target} {@code (names=mailer)}, or
     * {@code (names=mailer.previous)} of the previous key), once Sling Commons Crypto activated it.
     */
    ServiceReference<?> cryptoService(String target) throws UnavailableException, InterruptedException {
        ServiceTracker<Object, Object> tracker = track("(&(objectClass=" + CryptoConfigurations.CRYPTO_SERVICE + ")" + target + ")");
        if (tracker.waitForService(TimeUnit.SECONDS.toMillis(waitSeconds)) == null) {
            throw new UnavailableException("no CryptoService " + target + " after " + waitSeconds + " s: the launcher configures"
                    + " Apache Sling Commons Crypto's Jasypt service with the key file " + context.getProperty(CryptoKeys.KEY_PROPERTY)
                    + "; see the log above for bundles or components that failed.");
        }
        return tracker.getServiceReference();
    }

    /**
     * The re-encryption of {@code stored} ({@code outbox}, {@code refresh-token}); with
     * {@code previousKey}, once its component bound the previous key's CryptoService too.
     */
    Reencryption reencryption(String stored, boolean previousKey) throws UnavailableException, InterruptedException {
        ServiceTracker<Object, Object> tracker = track("(&(objectClass=" + Reencryption.class.getName() + ")(" + Reencryption.STORED
                + "=" + stored + ")" + (previousKey ? "(" + Reencryption.PREVIOUS_KEY + "=*)" : "") + ")");
        Object service = tracker.waitForService(TimeUnit.SECONDS.toMillis(waitSeconds));
        if (service == null) {
            throw new UnavailableException("no re-encryption of the " + stored + " after " + waitSeconds + " s: it needs the"
                    + " mailer's bundles active and the CryptoService" + (previousKey ? "s of the key and the previous key" : "")
                    + "; see the log above for bundles or components that failed.");
        }
        return (Reencryption) service;
    }

    /**
     * The self-checks of the components configured in the configuration folder ({@value #RELAY_PID} and its
     * factory configurations), once each is there; those that did not come in time are left out (their
     * bundle failed, and the log says why).
     */
    List<SelfCheck> selfChecks() throws InterruptedException {
        int configured = configDir == null ? 0 : (hasConfigFile(RELAY_PID) ? 1 : 0) + namedConfigurations(RELAY_PID).size();
        CountDownLatch all = new CountDownLatch(configured);
        ServiceTracker<SelfCheck, SelfCheck> tracker = new ServiceTracker<>(context, SelfCheck.class, null) {
            @Override
            public SelfCheck addingService(ServiceReference<SelfCheck> reference) {
                all.countDown();
                return super.addingService(reference);
            }
        };
        trackers.add(tracker);
        tracker.open();
        all.await(waitSeconds, TimeUnit.SECONDS);
        List<SelfCheck> checks = new ArrayList<>();
        ServiceReference<SelfCheck>[] references = tracker.getServiceReferences();
        for (ServiceReference<SelfCheck> reference : references == null ? List.<ServiceReference<SelfCheck>>of() : List.of(references)) {
            checks.add(tracker.getService(reference));
        }
        return checks;
    }

    private ServiceTracker<Object, Object> track(String filter) {
        try {
            ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, context.createFilter(filter), null);
            trackers.add(tracker);
            tracker.open();
            return tracker;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("filter " + filter, e);
        }
    }

    /** The PID of the configuration of the selected service: {@code pid}, or the factory configuration {@code pid~NAME}. */
    private String configurationName(String pid) {
        return serviceName == null ? pid : pid + "~" + serviceName;
    }

    /** A service of {@code type} of the selected name: {@code (mail.service.name=NAME)}, or one without a name. */
    private <S> S await(Class<S> type, String needs) throws UnavailableException, InterruptedException {
        String named = serviceName == null ? "(!(" + MailService.SERVICE_NAME + "=*))" : "(" + MailService.SERVICE_NAME + "=" + serviceName + ")";
        @SuppressWarnings("unchecked")
        S service = (S) track("(&(objectClass=" + type.getName() + ")" + named + ")").waitForService(TimeUnit.SECONDS.toMillis(waitSeconds));
        if (service == null) {
            throw new UnavailableException("no " + type.getSimpleName() + " after " + waitSeconds + " s: " + needs
                    + cryptoHint() + "; see the log above for bundles or components that failed.");
        }
        return service;
    }

    /** In the launcher the mailer's components wait for its CryptoService (CryptoPlugin): say when that is what is missing. */
    private String cryptoHint() {
        String key = context.getProperty(CryptoKeys.KEY_PROPERTY);
        if (key == null || context.getServiceReference(CryptoConfigurations.CRYPTO_SERVICE) != null) {
            return "";
        }
        return ", and the CryptoService (names=mailer) it waits for, whose key is " + key + ", is not there either";
    }

    /** Releases the services. */
    @Override
    public void close() {
        trackers.forEach(ServiceTracker::close);
    }

    /** The NAMEs of the {@code pid~NAME.cfg.json} files in the configuration folder, sorted. */
    private List<String> namedConfigurations(String pid) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(Path.of(configDir), pid + "~*.cfg.json")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                names.add(name.substring(pid.length() + 1, name.length() - ".cfg.json".length()));
            }
        } catch (IOException e) {
            // cannot tell: the caller waits for the service as usual
        }
        names.sort(null);
        return names;
    }

    private boolean hasConfigFile(String pid) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(Path.of(configDir), pid + ".cfg.json")) {
            return files.iterator().hasNext();
        } catch (IOException e) {
            return true; // cannot tell: wait for the service as usual
        }
    }
}
