package dev.mailer.relay.impl;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;

import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.api.MimeMail;
import dev.mailer.api.QueuedMail;

/**
 * One mail transaction of a client: who may relay is decided at {@code MAIL FROM} (an allowed network,
 * or a login), and the message is in the outbox, durably, before the client hears {@code 250}. When it
 * cannot be queued (also when the mail service did not come within a bounded wait) the client hears a
 * {@code 4xx} and keeps the message. One per transaction, on the session's thread.
 */
final class RelayedMessage implements MessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RelayedMessage.class);

    private final MessageContext context;
    private final RelaySettings settings;
    private final ClientLimits limits;
    private final Supplier<MailService> mailService;
    private final InetAddress client;
    private String envelopeFrom;
    private final List<String> recipients = new ArrayList<>();

    RelayedMessage(MessageContext context, RelaySettings settings, ClientLimits limits, Supplier<MailService> mailService) {
        this.context = context;
        this.settings = settings;
        this.limits = limits;
        this.mailService = mailService;
        this.client = ((InetSocketAddress) context.getRemoteAddress()).getAddress();
    }

    @Override
    public void from(String from) throws RejectException {
        if (!settings.networks.contains(client) && !loggedIn()) {
            throw settings.users.isEmpty() ? RelayReplies.relayDenied(client) : RelayReplies.loginRequired();
        }
        if (!limits.takeMessage(client)) {
            throw RelayReplies.tooManyMessages(client, limits.maxMessagesPerMinute());
        }
        // "<>" (a bounce) has no sender: the mail service's from.address stands in
        envelopeFrom = from == null || from.isBlank() ? null : from;
    }

    @Override
    public void recipient(String recipient) {
        recipients.add(recipient);
    }

    @Override
    public String data(InputStream data) throws RejectException, IOException {
        byte[] mime = data.readAllBytes();
        MailService service = mailService.get();
        if (service == null) {
            LOG.warn("relay: a message from {} was not queued: the mail service {} is not available; the client was told"
                    + " to try again later", client.getHostAddress(), settings.mailService);
            throw RelayReplies.serviceAbsent();
        }
        try {
            QueuedMail queued = service.enqueue(mail(mime));
            LOG.info("relay: a message from {} for {} recipients is queued as {}", client.getHostAddress(), recipients.size(),
                    queued.id());
            return RelayReplies.queued(queued.id());
        } catch (MailException e) {
            LOG.warn("relay: a message from {} was not queued ({}): {}", client.getHostAddress(),
                    e.isTransient() ? "the client tries again later" : "refused", e.getMessage());
            throw RelayReplies.notQueued(e);
        }
    }

    @Override
    public void done() {
        // nothing held
    }

    private MimeMail mail(byte[] mime) {
        if (settings.sender == SenderPolicy.REWRITE) {
            return MimeMail.of(SenderRewrite.apply(mime), null, recipients);
        }
        return MimeMail.of(mime, envelopeFrom, recipients);
    }

    private boolean loggedIn() {
        return context.getAuthenticationHandler().map(handler -> handler.getIdentity() != null).orElse(false);
    }
}
