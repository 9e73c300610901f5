package dev.mailer.broker.impl;

import java.io.IOException;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.OAuthConfigurationProvider;
import dev.mailer.commons.config.InvalidConfigurationException;
import dev.mailer.commons.config.NamedServices;
import dev.mailer.commons.config.ServiceName;

/**
 * The token broker: while configured, a Unix domain socket where local tools get the current access token
 * of the token provider of its name ({@code mail.service.name}, or the part of a factory configuration's
 * name after {@code ~}; none: the default provider). Who may connect is who may write to the socket file
 * (its permissions and group); every hand-out is logged with the peer's user, never with the token.
 * Publishes no service.
 */
@Component(service = {}, configurationPid = BrokerSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = BrokerConfiguration.class)
public final class TokenBroker {

    private static final Logger LOG = LoggerFactory.getLogger(TokenBroker.class);
    /** How long a request waits for the token provider to come (it may start after the broker). */
    static final long PROVIDER_WAIT_MS = 10_000;

    private final NamedServices<OAuthConfigurationProvider> providers;
    private final UnixSocketListener listener;

    @Activate
    public TokenBroker(Map<String, Object> properties) {
        this(properties, PROVIDER_WAIT_MS);
    }

    TokenBroker(Map<String, ?> properties, long providerWaitMs) {
        this.providers = new NamedServices<>(ServiceName.of(properties));
        this.listener = start(properties, providerWaitMs);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindProvider(OAuthConfigurationProvider provider, Map<String, ?> properties) {
        providers.bind(provider, properties);
    }

    void unbindProvider(OAuthConfigurationProvider provider) {
        providers.unbind(provider);
    }

    /** Whether the socket is open (false: invalid configuration, or the socket could not be made). */
    boolean isListening() {
        return listener != null;
    }

    @Deactivate
    void stop() {
        if (listener != null) {
            listener.close();
        }
    }

    private UnixSocketListener start(Map<String, ?> properties, long providerWaitMs) {
        BrokerSettings settings;
        try {
            settings = BrokerSettings.from(properties);
        } catch (InvalidConfigurationException e) {
            LOG.error("token broker: not started: {}", e.getMessage());
            return null;
        }
        try {
            UnixSocketListener socket = new UnixSocketListener(settings, (line, peer) -> answer(line, peer, providerWaitMs));
            LOG.info("token broker: listening on {} ({}{}) for the token provider {}", settings.socket,
                    PosixFilePermissions.toString(settings.permissions),
                    settings.group == null ? "" : ", group " + settings.group,
                    settings.provider.get().orElse("(the default one)"));
            return socket;
        } catch (IOException | RuntimeException e) {
            LOG.error("token broker: cannot listen on {}: {}: check {} and {}", settings.socket, e.toString(), BrokerSettings.SOCKET,
                    BrokerSettings.GROUP);
            return null;
        }
    }

    private String answer(String line, String peer, long providerWaitMs) {
        BrokerRequest request = BrokerRequest.parse(line);
        String answer = request.answer(request.isValid() ? providers.await(providerWaitMs) : null);
        if (answer.startsWith("ERROR ")) {
            LOG.warn("token broker: {} asked for {}: {}", peer, request.description, answer.strip());
        } else {
            LOG.info("token broker: handed {} to {}", request.description, peer);
        }
        return answer;
    }
}
