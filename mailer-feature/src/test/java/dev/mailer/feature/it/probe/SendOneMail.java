package dev.mailer.feature.it.probe;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.api.SendResult;

/**
 * The probe of the feature launch, as a bundle in the launched framework (built by the test with bnd):
 * once configured, it sends one mail through the {@link MailService} of the feature and prints the
 * outcome on stdout, where the test reads it. Sends on a thread of its own (activation does no
 * network I/O). Prints the failure's message only: the mailer's messages hold no secret.
 */
@Component(configurationPolicy = ConfigurationPolicy.REQUIRE)
public class SendOneMail {

    /** What the test looks for on the launcher's stdout. */
    public static final String SENT = "mailer-feature-probe: sent ";
    public static final String FAILED = "mailer-feature-probe: failed ";

    /** The probe's configuration (in the test's feature). */
    public @interface Config {
        String to();

        String subject();
    }

    @Reference
    private MailService mail;

    @Activate
    void activate(Config config) {
        Thread sender = new Thread(() -> {
            try {
                SendResult result = mail.send(Email.builder().to(config.to()).subject(config.subject())
                        .text("Sent by the mailer feature in the Sling Feature Launcher").build());
                System.out.println(SENT + result.getMessageId());
            } catch (MailException | RuntimeException e) {
                System.out.println(FAILED + e);
            }
        }, "mailer-feature-probe");
        sender.start();
    }
}
