package dev.mailer.relay.impl;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

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
import org.subethamail.smtp.server.SMTPServer;

import dev.mailer.api.MailService;
import dev.mailer.commons.config.InvalidConfigurationException;
import dev.mailer.commons.config.NamedServices;
import dev.mailer.commons.config.ServiceName;

/**
 * The SMTP relay: listens while configured, and hands what allowed clients send to the outbox of the
 * mail service of its name ({@code mail.service.name}, or the part of a factory configuration's name
 * after {@code ~}; none: the default service). The mail service may come and go: while it is away,
 * clients are told to try again later. Publishes no service.
 */
@Component(service = {}, configurationPid = RelaySettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = RelayConfiguration.class)
public final class SmtpRelay {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpRelay.class);
    /** All clients together; each one is limited by relay.max.connections.per.client. */
    private static final int MAX_CONNECTIONS = 200;
    private static final int IDLE_TIMEOUT_MINUTES = 5;
    /** How long a message waits for the mail service to come (it may start after the relay, or be reconfigured). */
    static final long SERVICE_WAIT_MS = 15_000;

    private final NamedServices<MailService> mailServices;
    private final SMTPServer server;

    @Activate
    public SmtpRelay(Map<String, Object> properties) {
        this(properties, Clock.systemUTC(), SERVICE_WAIT_MS);
    }

    SmtpRelay(Map<String, ?> properties, Clock clock, long serviceWaitMs) {
        this.mailServices = new NamedServices<>(ServiceName.of(properties));
        this.server = start(properties, clock, () -> mailServices.await(serviceWaitMs));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindMailService(MailService service, Map<String, ?> properties) {
        mailServices.bind(service, properties);
    }

    void unbindMailService(MailService service) {
        mailServices.unbind(service);
    }

    /** The port it listens on, or -1 when it does not (invalid configuration, port taken). */
    int port() {
        return server == null ? -1 : server.getPortAllocated();
    }

    @Deactivate
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private SMTPServer start(Map<String, ?> properties, Clock clock, Supplier<MailService> mailService) {
        RelaySettings settings;
        try {
            settings = RelaySettings.from(properties);
        } catch (InvalidConfigurationException e) {
            LOG.error("relay: not started: {}", e.getMessage());
            return null;
        }
        ClientLimits limits = new ClientLimits(settings.maxConnectionsPerClient, settings.messagesPerMinutePerClient, clock);
        SMTPServer.Builder builder = SMTPServer.port(settings.port)
                .bindAddress(settings.bind)
                .hostName("mailer-relay")
                .softwareName("mailer relay")
                .messageHandlerFactory(context -> new RelayedMessage(context, settings, limits, mailService))
                .sessionHandler(new ClientAdmission(settings, limits))
                .maxMessageSize(settings.maxMessageSize)
                .maxRecipients(settings.maxRecipients)
                .maxConnections(MAX_CONNECTIONS)
                .connectionTimeout(IDLE_TIMEOUT_MINUTES, TimeUnit.MINUTES)
                .serverThreadName("mailer-relay");
        if (settings.tls != null) {
            builder.enableTLS().startTlsSocketFactory(settings.tls);
        }
        if (!settings.users.isEmpty()) {
            // SubEthaSMTP hides AUTH before STARTTLS only when it requires TLS of every client, which devices of the
            // allowed networks may not speak: AUTH is offered, and refused until STARTTLS (LoginAfterStartTls)
            builder.authenticationHandlerFactory(new LoginAfterStartTls(settings.users));
        }
        SMTPServer smtp = builder.build();
        try {
            smtp.start();
        } catch (RuntimeException e) {
            LOG.error("relay: cannot listen on {}:{} ({}): check {} and {} (is another program using the port?)",
                    settings.bind.getHostAddress(), settings.port, e.getMessage(), RelaySettings.BIND, RelaySettings.PORT);
            return null;
        }
        logStart(settings, smtp.getPortAllocated());
        return smtp;
    }

    private static void logStart(RelaySettings settings, int port) {
        String where = settings.bind.getHostAddress() + ":" + port;
        String into = settings.mailService.get().map(name -> "the mail service " + name).orElse("the default mail service");
        if (settings.relaysNothing()) {
            LOG.warn("relay: listening on {}, but relays nothing: neither {} nor {} is set (never an open relay)", where,
                    RelaySettings.NETWORKS, RelaySettings.USERS);
        } else {
            LOG.info("relay: listening on {}; relays into the outbox of {} for {}{}", where, into,
                    settings.networks.isEmpty() ? "no network" : "the networks " + settings.networks,
                    settings.users.isEmpty() ? "" : " and " + settings.users.size() + " users (after STARTTLS and a login)");
        }
    }
}
