package dev.mailer.oauth.impl;

import java.io.File;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.apache.sling.commons.crypto.CryptoService;
import org.apache.sling.commons.metrics.MetricsService;
import org.apache.sling.api.resource.ResourceResolverFactory;
import org.osgi.framework.BundleContext;
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

import dev.mailer.api.MailException;
import dev.mailer.api.OAuthConfigurationProvider;
import dev.mailer.api.oauth.AuthorizationRequest;
import dev.mailer.api.oauth.DeviceAuthorization;
import dev.mailer.api.oauth.OAuthTokenManager;
import dev.mailer.api.oauth.TokenStatus;
import dev.mailer.commons.config.InvalidConfigurationException;
import dev.mailer.commons.config.PublishedService;
import dev.mailer.commons.config.ServiceName;
import dev.mailer.commons.crypto.CryptoFailures;
import dev.mailer.commons.crypto.SecretCipher;
import dev.mailer.commons.crypto.SecretCiphers;
import dev.mailer.commons.metrics.MetricNames;
import dev.mailer.commons.metrics.Metrics;

/**
 * Supplies OAuth2 access tokens for SMTP XOAUTH2 from secret-backed configuration, with the
 * {@code refresh_token} (delegated) or {@code client_credentials} (app-only) grant, from an Azure
 * managed identity ({@code managed_identity}) or AKS workload identity ({@code workload_identity})
 * without any secret, or as given ({@code static}: a token obtained elsewhere, see {@link TokenSource}); and, as
 * {@link OAuthTokenManager}, reports its token status and bootstraps the refresh token by the
 * authorization-code (PKCE) or device-code flow.
 *
 * <p>Once a token is in use, the {@link TokenUpkeep} renews it ahead of the sends, and keeps an idle
 * grant alive ({@code keepAlive}); the {@link UpkeepScheduler} runs it on the Sling scheduler or a
 * thread of its own.
 *
 * <p>Activation does no network I/O: the first token is requested by the first send. An invalid
 * configuration keeps the services registered but failing every request with the explanation. The
 * services are registered by the component itself ({@link PublishedService}) so that the client
 * secret and refresh token are not published as service properties. A new configuration replaces
 * the whole state, dropping authorizations that were started but not completed; the stored refresh
 * token, and the lock that serializes its use, are shared by all configurations and instances (the
 * token is keyed to the settings it belongs to), so a refresh in flight during a reconfiguration is
 * never repeated with the same refresh token.
 *
 * <p>A Sling Commons Crypto CryptoService ({@value SecretCiphers#TARGET}, default
 * {@value SecretCiphers#DEFAULT_TARGET}) decrypts clientSecret and refreshToken written
 * {@code ENC(...)} and encrypts the stored refresh token; during a key rotation, one of the previous
 * key decrypts what it encrypted. Both references are optional, static and greedy, as in the mail
 * service: the configuration is decrypted on activation, so a CryptoService that comes or goes
 * activates the component anew.
 */
// registered by hand (see above), so the bundle declares the service capability itself
@Capability(namespace = "osgi.service",
        attribute = "objectClass:List<String>=\"dev.mailer.api.OAuthConfigurationProvider,dev.mailer.api.oauth.OAuthTokenManager\"",
        uses = {OAuthConfigurationProvider.class, OAuthTokenManager.class})
@Component(service = {}, immediate = true, configurationPid = OAuthConfigurationProviderImpl.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = OAuthProviderConfiguration.class)
public class OAuthConfigurationProviderImpl implements OAuthConfigurationProvider, OAuthTokenManager {

    static final String PID = "dev.mailer.oauth.impl.OAuthConfigurationProviderImpl";

    /** File in the bundle's data area holding the rotated or authorized refresh token. */
    static final String REFRESH_TOKEN_FILE = "refresh-token.properties";

    private static final Logger LOG = LoggerFactory.getLogger(OAuthConfigurationProviderImpl.class);

    /** The refresh token chain in the bundle data area; also what a repository store takes over once. */
    private final RefreshTokenStore store;
    /** The Sling repository, where a cluster shares the chain; null without one. Released on deactivation. */
    private final TokenRepository repository;
    private final SecretCipher cipher;
    /** Whether it was said that the refresh token is stored unencrypted: once per activation. */
    private final AtomicBoolean unencryptedSaid = new AtomicBoolean();
    private final Clock clock;
    private final DeviceCodeFlow.Sleeper sleeper;
    private final Function<String, String> environment;
    /** Renewals, failures and the time to expiry, to Sling Commons Metrics when the container has it. */
    private final Metrics metrics = new Metrics();
    private volatile State state;
    private PublishedService registration;
    private UpkeepScheduler upkeep;
    /** This provider's name: the mail service of the same name uses it; it names its refresh token file and upkeep jobs. */
    private final ServiceName name;

    @Activate
    public OAuthConfigurationProviderImpl(BundleContext context, Map<String, Object> properties,
            @Reference(name = SecretCiphers.REFERENCE, target = SecretCiphers.DEFAULT_TARGET,
                    cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            ServiceReference<CryptoService> crypto,
            @Reference(name = SecretCiphers.PREVIOUS_REFERENCE, target = SecretCiphers.DEFAULT_PREVIOUS_TARGET,
                    cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            ServiceReference<CryptoService> previousCrypto,
            @Reference(name = "resourceResolverFactory", cardinality = ReferenceCardinality.OPTIONAL,
                    policyOption = ReferencePolicyOption.GREEDY)
            ServiceReference<ResourceResolverFactory> resolvers) {
        this(context.getDataFile(""), properties, Clock.systemUTC(), DeviceCodeFlow.Sleeper.THREAD,
                SecretCiphers.of(context, properties, crypto, previousCrypto), System::getenv, repository(context, resolvers));
    }

    /** The Sling repository when the container has one and the bundle could wire its API; else null. */
    private static TokenRepository repository(BundleContext context, ServiceReference<ResourceResolverFactory> resolvers) {
        try {
            return TokenRepository.of(context, resolvers);
        } catch (NoClassDefFoundError e) {
            LOG.warn("A Sling ResourceResolverFactory is there, but mailer-oauth resolved before the Sling API was installed ({});"
                    + " refresh tokens stay in the bundle data area until mailer-oauth is refreshed", e.getMessage());
            return null;
        }
    }

    OAuthConfigurationProviderImpl(File dataArea, Map<String, Object> properties, Clock clock, DeviceCodeFlow.Sleeper sleeper) {
        this(dataArea, properties, clock, sleeper, SecretCiphers.none());
    }

    OAuthConfigurationProviderImpl(File dataArea, Map<String, Object> properties, Clock clock, DeviceCodeFlow.Sleeper sleeper,
            SecretCipher cipher) {
        this(dataArea, properties, clock, sleeper, cipher, System::getenv);
    }

    OAuthConfigurationProviderImpl(File dataArea, Map<String, Object> properties, Clock clock, DeviceCodeFlow.Sleeper sleeper,
            SecretCipher cipher, Function<String, String> environment) {
        this(dataArea, properties, clock, sleeper, cipher, environment, null);
    }

    /**
     * @param environment the environment variables Azure sets for its identities ({@link AzureEnvironment})
     * @param repository where the refresh token chain is kept when tokenRepositoryPath is set; null: the data area
     */
    OAuthConfigurationProviderImpl(File dataArea, Map<String, Object> properties, Clock clock, DeviceCodeFlow.Sleeper sleeper,
            SecretCipher cipher, Function<String, String> environment, TokenRepository repository) {
        if (dataArea == null) {
            LOG.warn("No persistent bundle data area: a rotated or authorized refresh token is kept in memory only");
        }
        // shared with every other instance on the same data area: one refresh at a time per stored token
        this.name = ServiceName.of(properties);
        this.store = dataArea == null ? new RefreshTokenStore(null)
                : RefreshTokenStores.of(dataArea.toPath().resolve(name.dataName(REFRESH_TOKEN_FILE)));
        this.cipher = cipher;
        store.useCipher(cipher);
        this.clock = clock;
        this.sleeper = sleeper;
        this.environment = environment;
        this.repository = repository;
        this.state = newState(properties);
        metrics.gauge(MetricNames.TOKEN_EXPIRY_SECONDS, () -> state.secondsToExpiry());
    }

    /** Registers the services at the end of activation, once the component is complete. */
    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        upkeep = new UpkeepScheduler(context, name, this::renewAhead, this::keepAlive);
        upkeep.schedule(state.upkeepPeriod());
        registration = new PublishedService(context, this, name.publishedWith(properties), OAuthConfigurationProvider.class,
                OAuthTokenManager.class);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        this.state = newState(properties);
        if (upkeep != null) {
            upkeep.schedule(state.upkeepPeriod());
        }
        if (registration != null) {
            registration.update(name.publishedWith(properties));
        }
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
        }
        if (upkeep != null) {
            upkeep.stop();
        }
        if (repository != null) {
            repository.close();
        }
    }

    /** The upkeep's job on every instance: renews the access token in use ahead of the sends. */
    void renewAhead() {
        TokenUpkeep current = state.upkeep;
        if (current != null) {
            current.renewAhead();
        }
    }

    /** The upkeep's job on one instance of a cluster: keeps an idle grant alive. */
    void keepAlive() {
        TokenUpkeep current = state.upkeep;
        if (current != null) {
            current.keepAlive();
        }
    }

    @Override
    public String getAccessToken() throws MailException {
        return state.tokens().get();
    }

    @Override
    public void invalidateAccessToken(String rejectedToken) {
        State s = state;
        if (s.tokens != null && rejectedToken != null) {
            s.tokens.invalidate(rejectedToken);
        }
    }

    @Override
    public Optional<Instant> getAccessTokenExpiry(String accessToken) {
        AccessTokens tokens = state.tokens;
        return Optional.ofNullable(tokens == null || accessToken == null ? null : tokens.expiryOf(accessToken));
    }

    @Override
    public TokenStatus getStatus() {
        return state.status();
    }

    @Override
    public AuthorizationRequest beginAuthorization(String redirectUri) throws MailException {
        return state.codeFlow().begin(redirectUri);
    }

    @Override
    public TokenStatus completeAuthorization(Map<String, String> callbackParameters) throws MailException {
        State s = state;
        s.codeFlow().complete(callbackParameters == null ? Map.of() : callbackParameters);
        return s.status();
    }

    @Override
    public DeviceAuthorization beginDeviceAuthorization() throws MailException {
        return state.deviceFlow().begin();
    }

    @Override
    public TokenStatus completeDeviceAuthorization(DeviceAuthorization authorization) throws MailException, InterruptedException {
        if (authorization == null) {
            throw new IllegalArgumentException("authorization is null: pass what beginDeviceAuthorization returned");
        }
        State s = state;
        s.deviceFlow().complete(authorization);
        return s.status();
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

    private State newState(Map<String, Object> properties) {
        try {
            OAuthSettings settings = OAuthSettings.from(properties, cipher, environment);
            LOG.info("OAuth2 token provider ready: {}", settings);
            sayIfStoredUnencrypted(settings);
            for (String warning : settings.warnings) {
                LOG.warn("{}: {} (needed only to authorize, not to send)", PID, warning);
            }
            TokenEndpoint endpoint = new TokenEndpoint(settings);
            AccessTokens tokens = new AccessTokens(settings, endpoint, chainStore(settings), clock, metrics, sleeper);
            TokenUpkeep upkeep = new TokenUpkeep(settings, tokens, clock);
            if (!OAuthSettings.GRANT_REFRESH_TOKEN.equals(settings.grantType)) {
                return new State(tokens, upkeep, null, null, null, null);
            }
            return new State(tokens, upkeep, new AuthorizationCodeFlow(settings, endpoint, tokens, clock),
                    new DeviceCodeFlow(settings, endpoint, tokens, clock, sleeper), null, null);
        } catch (InvalidConfigurationException e) {
            LOG.error("{} Every token request will fail until the configuration is fixed.", e.getMessage());
            return new State(null, null, null, null, e, clock.instant());
        }
    }

    /**
     * Where the refresh token chain of {@code settings} is kept: the repository, which the instances of a
     * cluster share, when there is one and tokenRepositoryPath is set; else the bundle data area. Only the
     * refresh_token grant has a chain.
     */
    private TokenChainStore chainStore(OAuthSettings settings) {
        if (repository == null || settings.tokenRepositoryPath == null
                || !OAuthSettings.GRANT_REFRESH_TOKEN.equals(settings.grantType)) {
            return store;
        }
        TokenChainStore shared = repository.store(settings, store.file() == null ? null : store, clock);
        shared.useCipher(cipher);
        LOG.info("The refresh token chain is kept in {}, which every instance of the cluster shares (service user {})",
                shared.location(), RepositoryTokenStore.SERVICE_USER);
        return shared;
    }

    /** Once: only the refresh_token grant stores a token. */
    private void sayIfStoredUnencrypted(OAuthSettings settings) {
        if (!cipher.isPresent() && store.file() != null && OAuthSettings.GRANT_REFRESH_TOKEN.equals(settings.grantType)
                && unencryptedSaid.compareAndSet(false, true)) {
            boolean shared = repository != null && settings.tokenRepositoryPath != null;
            LOG.warn(shared ? CryptoFailures.storedUnencrypted("Refresh tokens", "readable by the service user "
                    + RepositoryTokenStore.SERVICE_USER + " and administrators only", "the repository at "
                    + settings.tokenRepositoryPath, cipher) : CryptoFailures.storedUnencrypted("Refresh tokens", store.file(), cipher));
        }
    }

    /** The tokens and flows of the current configuration, or the reason it is unusable. Immutable. */
    private static final class State {
        final AccessTokens tokens;
        /** Null when the configuration is invalid. */
        final TokenUpkeep upkeep;
        /** Null unless the grant is refresh_token: only a refresh token can be bootstrapped. */
        final AuthorizationCodeFlow codeFlow;
        final DeviceCodeFlow deviceFlow;
        final InvalidConfigurationException invalid;
        final Instant invalidSince;

        State(AccessTokens tokens, TokenUpkeep upkeep, AuthorizationCodeFlow codeFlow, DeviceCodeFlow deviceFlow,
                InvalidConfigurationException invalid, Instant invalidSince) {
            this.tokens = tokens;
            this.upkeep = upkeep;
            this.codeFlow = codeFlow;
            this.deviceFlow = deviceFlow;
            this.invalid = invalid;
            this.invalidSince = invalidSince;
        }

        AccessTokens tokens() throws MailException {
            if (tokens == null) {
                throw invalid.toMailException();
            }
            return tokens;
        }

        long secondsToExpiry() {
            return tokens == null ? 0 : tokens.secondsToExpiry();
        }

        TokenStatus status() {
            return tokens != null ? upkeep.describe(tokens.statusBuilder()).build()
                    : TokenStatus.builder().lastError(invalid.getMessage(), invalidSince, true).build();
        }

        /** How often the upkeep runs; null: not at all. */
        Duration upkeepPeriod() {
            return upkeep == null ? null : upkeep.period();
        }

        AuthorizationCodeFlow codeFlow() throws MailException {
            tokens();
            if (codeFlow == null) {
                throw OAuthFailures.nothingToAuthorize(tokens.grantType());
            }
            return codeFlow;
        }

        DeviceCodeFlow deviceFlow() throws MailException {
            tokens();
            if (deviceFlow == null) {
                throw OAuthFailures.nothingToAuthorize(tokens.grantType());
            }
            return deviceFlow;
        }
    }
}
