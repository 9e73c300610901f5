package dev.mailer.relay.impl;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
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
import dev.mailer.api.check.CheckStep;
import dev.mailer.api.check.SelfCheck;
import dev.mailer.commons.config.InvalidConfigurationException;
import dev.mailer.commons.config.Listening;
import dev.mailer.commons.config.NamedServices;
import dev.mailer.commons.config.PublishedService;
import dev.mailer.commons.config.ServiceName;

/**
 * The SMTP relay: listens while configured, and hands what allowed clients send to the outbox of the
 * mail service of its name ({@code mail.service.name}, or the part of a factory configuration's name
 * after {@code ~}; none: the default service). The mail service may come and go: while it is away,
 * clients are told to try again later. Publishes its {@link SelfCheck} (for {@code check}), without
 * its configuration; in a framework that runs one command and stops ({@link Listening}) it checks its
 * configuration and does not listen.
 */
@Component(service = {}, configurationPid = RelaySettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = RelayConfiguration.class)
public final class SmtpRelay implements SelfCheck {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpRelay.class);
    /** All clients together; each one is limited by relay.max.connections.per.client. */
    private static final int MAX_CONNECTIONS = 200;
    private static final int IDLE_TIMEOUT_MINUTES = 5;
    /** How long a message waits for the mail service to come (it may start after the relay, or be reconfigured). */
    static final long SERVICE_WAIT_MS = 15_000;

    private final NamedServices<MailService> mailServices;
    /** Null when the configuration is invalid. */
    private final RelaySettings settings;
    /** Null when it does not listen. */
    private final SMTPServer server;
    /** Why it does not listen although it should (invalid configuration, port taken); null otherwise. */
    private final CheckStep failure;
    private volatile PublishedService selfCheck;

    @Activate
    public SmtpRelay(BundleContext context, Map<String, Object> properties) {
        this(properties, Listening.allowed(context), Clock.systemUTC(), SERVICE_WAIT_MS);
        Map<String, Object> published = new HashMap<>();
        published.put(Constants.SERVICE_PID, properties.get(Constants.SERVICE_PID));
        selfCheck = new PublishedService(context, this, mailServices.name().publishedWith(published), SelfCheck.class);
    }

    SmtpRelay(Map<String, ?> properties, boolean listen, Clock clock, long serviceWaitMs) {
        this.mailServices = new NamedServices<>(ServiceName.of(properties));
        RelaySettings valid = null;
        SMTPServer listening = null;
        CheckStep failed = null;
        try {
            valid = RelaySettings.from(properties);
        } catch (InvalidConfigurationException e) {
            failed = RelayCheck.invalid(e.getMessage());
        }
        if (valid != null && listen) {
            try {
                listening = start(valid, clock, () -> mailServices.await(serviceWaitMs));
            } catch (RuntimeException e) {
                failed = RelayCheck.cannotListen(valid, e.getMessage());
            }
        }
        this.settings = valid;
        this.server = listening;
        this.failure = failed;
        if (failed != null) {
            LOG.error("relay: {}; fix: {}", failed.getSummary(), failed.getFix());
        } else if (listen) {
            CheckStep started = RelayCheck.running(valid, listening.getPortAllocated(), true);
            if (started.getOutcome() == CheckStep.Outcome.PASS) {
                LOG.info("relay: {} ({})", started.getSummary(), String.join("; ", started.getDetails()));
            } else {
                LOG.warn("relay: {}; fix: {}", started.getSummary(), started.getFix());
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindMailService(MailService service, Map<String, ?> properties) {
        mailServices.bind(service, properties);
    }

    void unbindMailService(MailService service) {
        mailServices.unbind(service);
    }

    @Override
    public CheckStep check() {
        if (failure != null) {
            return failure;
        }
        return RelayCheck.running(settings, port(), mailServices.own() != null);
    }

    /** The port it listens on, or -1 when it does not (invalid configuration, port taken, a one-shot command). */
    int port() {
        return server == null ? -1 : server.getPortAllocated();
    }

    @Deactivate
    void stop() {
        PublishedService published = selfCheck;
        if (published != null) {
            published.unregister();
        }
        if (server != null) {
            server.stop();
        }
    }

    /** @throws RuntimeException the port cannot be opened */
    private static SMTPServer start(RelaySettings settings, Clock clock, Supplier<MailService> mailService) {
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
            builder.authenticationHandlerFactory(new LoginAfterStartTls(settings.users, limits));
        }
        SMTPServer smtp = builder.build();
        smtp.start();
        return smtp;
    }
}
