package dev.mailer.aem.impl;

import org.apache.commons.mail.Email;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.day.cq.mailer.MailingException;
import com.day.cq.mailer.MessageGateway;

import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.api.MimeMail;
import dev.mailer.api.QueuedMail;
import dev.mailer.api.SendResult;

/**
 * AEM's {@link MessageGateway} for Apache Commons Email ({@code HtmlEmail}, {@code SimpleEmail},
 * {@code MultiPartEmail}, {@code ImageHtmlEmail}): the message is built as Commons Email builds it and
 * sent through our {@link MailService} (OAuth2, pooled connections, diagnosis), or queued in its
 * outbox with {@code queued=true}. A failure is a {@link MailingException} with our message, which
 * names the cause and what to do.
 */
@Component(service = MessageGateway.class, property = "service.ranking:Integer=" + CommonsEmailGateway.RANKING)
@Designate(ocd = CommonsEmailGateway.Config.class)
public class CommonsEmailGateway implements MessageGateway<Email> {

    /** Above AEM's own gateways (ranking 0), for a MessageGatewayService that picks by ranking. */
    static final int RANKING = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(CommonsEmailGateway.class);

    /** mailService.target (a filter such as (mail.service.name=bulk)) picks another than the highest-ranked mail service. */
    @ObjectClassDefinition(name = "Mailer: AEM message gateway for Commons Email",
            description = "Sends the Commons Email messages of AEM workflows (MessageGatewayService.getGateway(HtmlEmail.class))"
                    + " through the mailer's mail service.")
    public @interface Config {
        @AttributeDefinition(name = "Queued", description = "Put each message into the mail service's durable outbox and return"
                + " at once, instead of waiting for the SMTP server (a failing server then fails no workflow step).")
        boolean queued() default false;
    }

    private final MailService mailService;
    private final boolean queued;

    @Activate
    public CommonsEmailGateway(@Reference(name = "mailService") MailService mailService, Config config) {
        this.mailService = mailService;
        this.queued = config.queued();
    }

    @Override
    public boolean handles(Class<? extends Email> type) {
        return type != null && Email.class.isAssignableFrom(type);
    }

    @Override
    public void send(Email email) throws MailingException {
        if (email == null) {
            throw new MailingException("email must not be null");
        }
        MimeMail mail;
        try {
            mail = CommonsEmails.toMimeMail(email);
        } catch (IllegalArgumentException e) {
            throw new MailingException(e.getMessage());
        }
        try {
            if (queued) {
                QueuedMail entry = mailService.enqueue(mail);
                LOG.debug("Queued {} as {} for {} recipient(s)", entry.messageId(), entry.id(), mail.getRecipients().size());
            } else {
                SendResult result = mailService.send(mail);
                LOG.debug("Sent {}: {}", result.getMessageId(), result.getServerReply());
            }
        } catch (MailException e) {
            // the message text (cause, reply, diagnosis) is what a workflow log shows: MailingException has no (text, cause) form
            MailingException failure = new MailingException(e.getMessage());
            failure.initCause(e);
            throw failure;
        }
    }
}
