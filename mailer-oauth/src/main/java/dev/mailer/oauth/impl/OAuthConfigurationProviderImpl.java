package dev.mailer.oauth.impl;

import java.io.File;
import java.time.Clock;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.annotation.bundle.Capability;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.MailException;
import dev.mailer.api.OAuthConfigurationProvider;
import dev.mailer.commons.config.InvalidConfigurationException;
import dev.mailer.commons.config.PublishedService;

/**
 * Supplies OAuth2 access tokens for SMTP XOAUTH2 from secret-backed configuration, with the
 * {@code refresh_token} (delegated) or {@code client_credentials} (app-only) grant.
 *
 * <p>Activation does no network I/O: the first token is requested by the first send. An invalid
 * configuration keeps the service registered but failing every request with the explanation. The
 * service is registered by the component itself ({@link PublishedService}) so that the client
 * secret and refresh token are not published as service properties.
 */
// registered by hand (see above), so the bundle declares the service capability itself
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=dev.mailer.api.OAuthConfigurationProvider", uses = OAuthConfigurationProvider.class)
@Component(service = {}, immediate = true, configurationPid = OAuthConfigurationProviderImpl.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = OAuthProviderConfiguration.class)
public class OAuthConfigurationProviderImpl implements OAuthConfigurationProvider {

    static final String PID = "dev.mailer.oauth.impl.OAuthConfigurationProviderImpl";

    /** File in the bundle's data area holding a rotated refresh token. */
    static final String REFRESH_TOKEN_FILE = "refresh-token.properties";

    private static final Logger LOG = LoggerFactory.getLogger(OAuthConfigurationProviderImpl.class);

    private final File dataArea;
    private volatile State state;
    private PublishedService registration;

    @Activate
    public OAuthConfigurationProviderImpl(BundleContext context, Map<String, Object> properties) {
        this(context.getDataFile(""), properties);
        registration = new PublishedService(context, this, properties, OAuthConfigurationProvider.class);
    }

    OAuthConfigurationProviderImpl(File dataArea, Map<String, Object> properties) {
        this.dataArea = dataArea;
        this.state = State.of(properties, dataArea);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        this.state = State.of(properties, dataArea);
        if (registration != null) {
            registration.update(properties);
        }
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
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

    /** The tokens of the current configuration, or the reason it is unusable. Immutable. */
    private static final class State {
        final AccessTokens tokens;
        final InvalidConfigurationException invalid;

        private State(AccessTokens tokens, InvalidConfigurationException invalid) {
            this.tokens = tokens;
            this.invalid = invalid;
        }

        static State of(Map<String, Object> properties, File dataArea) {
            try {
                OAuthSettings settings = OAuthSettings.from(properties);
                RefreshTokenStore store = new RefreshTokenStore(
                        dataArea == null ? null : dataArea.toPath().resolve(REFRESH_TOKEN_FILE));
                if (dataArea == null) {
                    LOG.warn("No persistent bundle data area: a rotated refresh token is kept in memory only");
                }
                LOG.info("OAuth2 token provider ready: {}", settings);
                for (String warning : settings.warnings) {
                    LOG.warn("{}: {} (needed only to authorize, not to send)", PID, warning);
                }
                return new State(new AccessTokens(settings, new TokenEndpoint(settings), store, Clock.systemUTC()), null);
            } catch (InvalidConfigurationException e) {
                LOG.error("{} Every token request will fail until the configuration is fixed.", e.getMessage());
                return new State(null, e);
            }
        }

        AccessTokens tokens() throws MailException {
            if (tokens == null) {
                throw invalid.toMailException();
            }
            return tokens;
        }
    }
}
