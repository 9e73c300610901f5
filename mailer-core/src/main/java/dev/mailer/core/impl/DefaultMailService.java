package dev.mailer.core.impl;

import dev.mailer.commons.config.InvalidConfigurationException;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.api.SendResult;

/**
 * The {@link MailService}: sends through the SMTP server of its configuration.
 *
 * <p>The configuration is validated on activation and on every change. An invalid one is logged
 * and keeps the service registered but failing every send with the same explanation, so that a
 * workflow step reports the misconfiguration instead of silently finding no mail service.
 */
@Component(service = MailService.class, configurationPid = DefaultMailService.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = MailServiceConfiguration.class)
public class DefaultMailService implements MailService {

    static final String PID = "dev.mailer.core.impl.DefaultMailService";

    private static final Logger LOG = LoggerFactory.getLogger(DefaultMailService.class);

    /** Either a ready sender or the reason there is none; replaced as a whole on reconfiguration. */
    private volatile State state;

    @Activate
    public DefaultMailService(Map<String, Object> properties) {
        this.state = State.of(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        this.state = State.of(properties);
    }

    @Override
    public SendResult send(Email email) throws MailException {
        if (email == null) {
            throw new IllegalArgumentException("email must not be null");
        }
        return state.sender().send(email);
    }

    /** The current configuration's sender, or the reason it is unusable. Immutable. */
    private static final class State {
        private final SmtpSender sender;
        private final InvalidConfigurationException invalid;

        private State(SmtpSender sender, InvalidConfigurationException invalid) {
            this.sender = sender;
            this.invalid = invalid;
        }

        static State of(Map<String, Object> properties) {
            try {
                SmtpSettings settings = SmtpSettings.from(properties);
                State state = new State(new SmtpSender(settings, TrustStores.socketFactory(settings)), null);
                LOG.info("Mail service ready: {}", settings);
                if (settings.port == 465 && !settings.ssl) {
                    LOG.warn("smtp.port is 465 but smtp.ssl is false: port 465 usually expects TLS from the first byte (smtp.ssl=true)");
                }
                return state;
            } catch (InvalidConfigurationException e) {
                LOG.error("{} Every send will fail until the configuration is fixed.", e.getMessage());
                return new State(null, e);
            }
        }

        SmtpSender sender() throws MailException {
            if (sender == null) {
                throw MailException.permanentFailure(invalid.getMessage())
                        .setting(invalid.firstProperty())
                        .diagnosis("Fix the configuration (the .cfg.json file, its environment variables and secret files); nothing was sent.")
                        .build();
            }
            return sender;
        }
    }
}
