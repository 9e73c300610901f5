package dev.mailer.core.impl;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import javax.net.ssl.X509TrustManager;

import org.apache.sling.commons.crypto.CryptoService;
import org.apache.sling.commons.metrics.MetricsService;
import org.apache.sling.event.jobs.JobManager;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.ServiceReference;
import org.osgi.annotation.bundle.Capability;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.MimeMail;
import dev.mailer.api.MailService;
import dev.mailer.api.OAuthConfigurationProvider;
import dev.mailer.api.QueuedMail;
import dev.mailer.api.SendResult;
import dev.mailer.api.check.CheckReport;
import dev.mailer.api.check.CheckStep;
import dev.mailer.api.check.ConnectionCheck;
import dev.mailer.api.oauth.OAuthTokenManager;
import dev.mailer.api.outbox.Outbox;
import dev.mailer.api.outbox.OutboxSnapshot;
import dev.mailer.commons.config.InvalidConfigurationException;
import dev.mailer.commons.config.PublishedService;
import dev.mailer.commons.config.ServiceName;
import dev.mailer.commons.crypto.CryptoFailures;
import dev.mailer.commons.crypto.SecretCipher;
import dev.mailer.commons.crypto.SecretCiphers;
import dev.mailer.commons.metrics.MetricNames;
import dev.mailer.commons.metrics.Metrics;

/**
 * The {@link MailService}: sends through the SMTP server of its configuration.
 *
 * <p>The configuration is validated on activation and on every change. An invalid one is logged
 * and keeps the service registered but failing every send with the same explanation, so that a
 * workflow step reports the misconfiguration instead of silently finding no mail service.
 *
 * <p>It is also the {@link ConnectionCheck}: the check must use exactly the settings, trust and
 * token source of the sending path, so it runs on the same immutable state
 * ({@link ConnectionDiagnosis} does the work).
 *
 * <p>It is also the {@link Outbox}: {@link #enqueue} writes the message into {@code outbox/} in the
 * bundle data area, and a {@link MailOutbox} of the current configuration delivers it through the
 * same {@link SmtpSender} as {@link #send}, and so through the same pool of logged-in connections. A
 * reconfiguration lets the deliveries in flight finish (bounded by {@code outbox.shutdown.timeout}),
 * closes the pooled connections of the old settings and goes on with the new ones; deactivation
 * closes them too (a send in flight closes its connection when it is done).
 *
 * <p>The component registers its service itself ({@link PublishedService}): DS would publish
 * {@code smtp.password} as a service property, readable by every bundle.
 *
 * <p>A Sling Commons Crypto CryptoService ({@value SecretCiphers#TARGET}, default
 * {@value SecretCiphers#DEFAULT_TARGET}) decrypts passwords written {@code ENC(...)} and encrypts
 * the outbox's messages; during a key rotation, one of the previous key decrypts what it encrypted.
 * Both references are optional, static and greedy: the configuration is decrypted on activation, so
 * a CryptoService that comes or goes activates the component anew (rare: at start and at a key
 * rotation; a reconfiguration does the same), instead of a dynamic reference that every send would
 * have to check. They are {@code ServiceReference}s, whose erased type keeps this class free of the
 * optional package ({@link SecretCiphers}).
 *
 * <p>Where the container has Sling Jobs (a {@code JobManager}: AEM, Sling), the outbox is on it instead
 * ({@link SlingJobsOutbox}): jobs in the repository, which outlive the instance and which a cluster's
 * instances share; what the local outbox held is moved into jobs on activation. Without one (the
 * launcher, Karaf, plain Felix) it is the local outbox. The choice is made on activation and logged
 * once. The JobManager reference is optional, static and greedy for the same reasons as the
 * CryptoService's: the outbox is chosen, the local messages moved and the consumer registered once per
 * activation, so no enqueue ever sees a half-switched outbox; a JobManager comes or goes rarely (at start,
 * when Sling Event is updated), and a new activation is cheap. It is a {@code ServiceReference} too: only
 * {@link SlingJobsOutbox} and {@link MailJobExecutor} name Sling Event's types, and they are loaded only
 * once a JobManager is bound (optional import in bnd.bnd).
 */
// registered by hand (see above), so the bundle declares the service capability itself
@Capability(namespace = "osgi.service",
        attribute = "objectClass:List<String>=\"dev.mailer.api.MailService,dev.mailer.api.check.ConnectionCheck,"
                + "dev.mailer.api.outbox.Outbox\"",
        uses = {MailService.class, ConnectionCheck.class, Outbox.class})
@Component(service = {}, immediate = true, configurationPid = DefaultMailService.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = MailServiceConfiguration.class)
public class DefaultMailService implements MailService, ConnectionCheck, Outbox {

    static final String PID = "dev.mailer.core.impl.DefaultMailService";

    private static final Logger LOG = LoggerFactory.getLogger(DefaultMailService.class);

    /** How long a send waits for the OAuth provider to appear (it may start after this service). */
    static final long OAUTH_PROVIDER_WAIT_MS = 10_000;

    /** {@link #OAUTH_PROVIDER_WAIT_MS}, shorter in tests. */
    long oauthProviderWaitMs = OAUTH_PROVIDER_WAIT_MS;

    /** Either a ready sender or the reason there is none; replaced as a whole on reconfiguration. */
    private volatile State state;

    /** This service's name (none for the plain configuration): its token provider's, its outbox folder's. */
    private final ServiceName name;

    /** The token providers and token managers DS binds; the one of this service's name is its own. */
    private final TokenSources tokenSources;

    private PublishedService registration;

    /** Decrypts ENC(...) passwords and encrypts the outbox's messages; for the component's lifetime (static references). */
    private final SecretCipher cipher;

    /** Sends, failures, retries and send times, to Sling Commons Metrics when the container has it. */
    private final Metrics metrics = new Metrics();

    /** The local outbox, one per configuration. */
    private final ServiceOutbox outbox;

    /** Where enqueue puts messages: the local outbox, or Sling Jobs (chosen on activation). */
    private volatile MailQueue queue;

    /** The JobManager's reference (a {@code ServiceReference<JobManager>}), null without Sling Jobs. */
    private final ServiceReference<?> jobManager;
    /**
     * Shared by each enqueue while it hands its message to the outbox, exclusive while {@link #deactivate} marks the
     * service stopped: a message enqueued on an instance DS is replacing (a JobManager came, a reference changed) is
     * either in its outbox before the outbox closes, where the next activation takes it over, or refused with
     * {@link OutboxFailures#serviceStopped}, never written into a closed outbox that nobody delivers from. (A send on
     * such an instance still goes out, on a connection of its own: its pool is closed.)
     */
    private final ReadWriteLock stopping = new ReentrantReadWriteLock();
    private boolean stopped; // guarded by stopping

    @Activate
    public DefaultMailService(BundleContext context, Map<String, Object> properties,
            @Reference(name = SecretCiphers.REFERENCE, target = SecretCiphers.DEFAULT_TARGET,
                    cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            ServiceReference<CryptoService> crypto,
            @Reference(name = SecretCiphers.PREVIOUS_REFERENCE, target = SecretCiphers.DEFAULT_PREVIOUS_TARGET,
                    cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            ServiceReference<CryptoService> previousCrypto,
            @Reference(name = "JobManager", cardinality = ReferenceCardinality.OPTIONAL,
                    policyOption = ReferencePolicyOption.GREEDY)
            ServiceReference<JobManager> jobManager) {
        this(properties, SecretCiphers.of(context, properties, crypto, previousCrypto), jobManager);
    }

    /** Without a CryptoService (tests). */
    DefaultMailService(Map<String, Object> properties) {
        this(properties, SecretCiphers.none());
    }

    DefaultMailService(Map<String, Object> properties, SecretCipher cipher) {
        this(properties, cipher, null);
    }

    private DefaultMailService(Map<String, Object> properties, SecretCipher cipher, ServiceReference<?> jobManager) {
        this.jobManager = jobManager;
        this.name = ServiceName.of(properties);
        this.tokenSources = new TokenSources(name);
        this.cipher = cipher;
        this.outbox = new ServiceOutbox(Clock.systemUTC(), cipher, metrics);
        this.queue = outbox;
        this.state = State.of(properties, cipher);
    }

    /**
     * Registers the services at the end of activation, once DS has bound the references (not in
     * the constructor, which would publish the component before it is complete).
     */
    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        File data = context.getDataFile(name.dataName(OutboxStore.DATA_DIRECTORY));
        MailQueue jobs = null;
        if (jobManager != null) {
            State current = state;
            jobs = SlingJobsOutbox.open(context, jobManager, name, cipher, metrics, current.settings, transmitter(current),
                    data == null ? null : data.toPath());
        }
        if (jobs != null) {
            queue = jobs;
        } else if (data != null) {
            useOutbox(data.toPath());
        } else {
            LOG.warn("Outbox of the mail service {}: none (the framework gives the bundle no data area and there is no Sling"
                    + " JobManager); enqueue fails", name);
        }
        registration = new PublishedService(context, this, name.publishedWith(properties), MailService.class, ConnectionCheck.class,
                Outbox.class);
    }

    /** Opens the outbox in {@code directory} and starts delivering what it holds (tests call it instead of activate). */
    void useOutbox(Path directory) {
        if (!cipher.isPresent()) {
            LOG.warn(CryptoFailures.storedUnencrypted("Outbox messages", directory, cipher));
        }
        State current = state;
        outbox.open(directory, current.settings, transmitter(current));
        LOG.info("Outbox of the mail service {}: local, in {}", name, directory.toAbsolutePath());
    }

    @Modified
    void modified(Map<String, Object> properties) {
        State previous = state;
        State next = State.of(properties, cipher);
        this.state = next;
        queue.reconfigure(next.settings, transmitter(next));
        // after the outbox's deliveries in flight: their connections are closed as they come back
        previous.close();
        ServiceName configured = ServiceName.of(properties);
        if (!configured.equals(name)) {
            LOG.error("{} changed {} from {} to {}: the service keeps its name (and its outbox folder) until it is activated"
                    + " again (restart the mailer-core bundle)", PID, MailService.SERVICE_NAME, name, configured);
        }
        if (registration != null) {
            registration.update(name.publishedWith(properties));
        }
    }

    @Deactivate
    void deactivate() {
        stopping.writeLock().lock();
        try {
            stopped = true;
        } finally {
            stopping.writeLock().unlock();
        }
        if (registration != null) {
            registration.unregister();
        }
        queue.close();
        state.close();
    }

    /** How the outbox of {@code current} sends: its sender with the token source; null for an invalid configuration. */
    private MailOutbox.Transmitter transmitter(State current) {
        SmtpSender sender = current.sender;
        if (sender == null) {
            return null;
        }
        SmtpSettings settings = current.settings;
        return (mime, from, recipients, serverSize) -> sender.sendMime(mime, from, recipients,
                settings.oauth ? awaitOAuthProvider(settings) : null, serverSize);
    }

    @Override
    public SendResult send(Email email) throws MailException {
        if (email == null) {
            throw new IllegalArgumentException("email must not be null");
        }
        return measured((sender, oauth) -> sender.send(email, oauth));
    }

    @Override
    public SendResult send(MimeMail mail) throws MailException {
        if (mail == null) {
            throw new IllegalArgumentException("mail must not be null");
        }
        return measured((sender, oauth) -> sender.send(mail, oauth));
    }

    /** One send with the current configuration, counted and timed in the metrics. */
    private SendResult measured(SenderCall call) throws MailException {
        long start = System.nanoTime();
        try {
            State current = state;
            SmtpSender sender = current.sender();
            SendResult result = call.send(sender, current.settings.oauth ? awaitOAuthProvider(current.settings) : null);
            metrics.increment(MetricNames.MESSAGES_SENT);
            return result;
        } catch (MailException | RuntimeException e) {
            metrics.increment(MetricNames.MESSAGES_FAILED);
            throw e;
        } finally {
            metrics.time(MetricNames.SEND_TIME, System.nanoTime() - start);
        }
    }

    @FunctionalInterface
    private interface SenderCall {
        SendResult send(SmtpSender sender, OAuthConfigurationProvider oauth) throws MailException;
    }

    @Override
    public QueuedMail enqueue(MimeMail mail) throws MailException {
        if (mail == null) {
            throw new IllegalArgumentException("mail must not be null");
        }
        return enqueueRendered(sender -> sender.render(mail));
    }

    @Override
    public QueuedMail enqueue(Email email) throws MailException {
        if (email == null) {
            throw new IllegalArgumentException("email must not be null");
        }
        return enqueueRendered(sender -> sender.render(email));
    }

    /** Renders with the current configuration's sender and queues the result, unless the service has stopped. */
    private QueuedMail enqueueRendered(Renderer renderer) throws MailException {
        Lock shared = stopping.readLock();
        shared.lock();
        try {
            if (stopped) {
                throw OutboxFailures.serviceStopped(name);
            }
            return queue.enqueue(renderer.render(state.sender()));
        } finally {
            shared.unlock();
        }
    }

    @FunctionalInterface
    private interface Renderer {
        SmtpSender.Rendered render(SmtpSender sender) throws MailException;
    }

    /** How many enqueued messages of this JVM still wait for their outcome. */
    int pendingCompletions() {
        return queue.pendingCompletions();
    }

    @Override
    public OutboxSnapshot snapshot() {
        return queue.snapshot();
    }

    @Override
    public boolean retry(String id) {
        return queue.retry(id);
    }

    @Override
    public boolean purge(String id) {
        return queue.purge(id);
    }

    @Override
    public int retryAllDead() {
        return queue.retryAllDead();
    }

    /**
     * Checks the path to the SMTP server step by step with the current configuration; see
     * {@link ConnectionCheck}. Each run has its own connections; thread-safe.
     */
    @Override
    public CheckReport run(String sendTo) {
        return diagnosis().run(sendTo);
    }

    /** The check's configuration step alone, on the same state: no network I/O. */
    @Override
    public CheckStep checkConfiguration() {
        return diagnosis().configurationStep();
    }

    /** The chain the server presents, as the check's tls step sees it; see {@link ConnectionCheck}. */
    @Override
    public List<X509Certificate> presentedChain() throws IOException {
        return diagnosis().presentedChain();
    }

    private ConnectionDiagnosis diagnosis() {
        State current = state;
        Filter target = current.settings == null ? null : current.settings.oauthProviderTarget;
        return new ConnectionDiagnosis(current.settings, current.invalid, current.trust, current.client, current.sender,
                () -> tokenSources.await(target, oauthProviderWaitMs), () -> tokenSources.manager(target));
    }

    /**
     * Every token provider; {@link TokenSources} picks the one of this service's name, or the one a configured
     * {@value SmtpSettings#OAUTH_PROVIDER_TARGET} matches (which DS also narrows the bound ones to).
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindOAuthProvider(OAuthConfigurationProvider provider, Map<String, Object> properties) {
        tokenSources.bind(provider, properties);
    }

    void unbindOAuthProvider(OAuthConfigurationProvider provider) {
        tokenSources.unbind(provider);
    }

    /** For the token step's details only (grant, expiry, scopes); the check works without one. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindTokenManager(OAuthTokenManager manager, Map<String, Object> properties) {
        tokenSources.bind(manager, properties);
    }

    void unbindTokenManager(OAuthTokenManager manager) {
        tokenSources.unbind(manager);
    }

    /** Sling Commons Metrics, when the container has it: the erased parameter type names no Sling class. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindMetrics(ComponentServiceObjects<MetricsService> service) {
        metrics.bind(service);
    }

    void unbindMetrics(ComponentServiceObjects<MetricsService> service) {
        metrics.unbind(service);
    }

    private OAuthConfigurationProvider awaitOAuthProvider(SmtpSettings settings) throws MailException {
        return tokenSources.await(settings.oauthProviderTarget, oauthProviderWaitMs);
    }

    /** The current configuration's sender and trust, or the reason it is unusable. Immutable. */
    private static final class State {
        private final SmtpSettings settings;
        /** The trust of smtp.truststore.path, null for the JVM's default: what the sender's socket factory trusts. */
        private final X509TrustManager trust;
        /** The client certificate of smtp.keystore.path, null for none. */
        private final ClientCertificate client;
        private final SmtpSender sender;
        private final InvalidConfigurationException invalid;

        private State(SmtpSettings settings, X509TrustManager trust, ClientCertificate client, SmtpSender sender,
                InvalidConfigurationException invalid) {
            this.settings = settings;
            this.trust = trust;
            this.client = client;
            this.sender = sender;
            this.invalid = invalid;
        }

        static State of(Map<String, Object> properties, SecretCipher cipher) {
            try {
                SmtpSettings settings = SmtpSettings.from(properties, cipher);
                X509TrustManager trust = TrustStores.trustManager(settings);
                ClientCertificate client = ClientCertificate.of(settings);
                State state = new State(settings, trust, client, new SmtpSender(settings, TrustStores.socketFactory(client, trust)), null);
                LOG.info("Mail service ready: {}", settings);
                String port465 = SmtpFailures.port465WithoutSsl(settings);
                if (port465 != null) {
                    LOG.warn(port465);
                }
                String sslWins = SmtpFailures.sslWinsOverStartTls(settings);
                if (sslWins != null) {
                    LOG.warn(sslWins);
                }
                return state;
            } catch (InvalidConfigurationException e) {
                LOG.error("{} Every send will fail until the configuration is fixed.", e.getMessage());
                return new State(null, null, null, null, e);
            }
        }

        SmtpSender sender() throws MailException {
            if (sender == null) {
                throw invalid.toMailException();
            }
            return sender;
        }

        /** Closes the sender's pooled connections (a send that still holds one closes it when done). */
        void close() {
            if (sender != null) {
                sender.close();
            }
        }
    }
}
