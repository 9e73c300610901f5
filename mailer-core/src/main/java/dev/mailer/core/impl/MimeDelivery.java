package dev.mailer.core.impl;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

import dev.mailer.api.MailException;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;

/**
 * One delivery of ready MIME bytes with an explicit envelope ({@link SmtpSender#sendMime}): the
 * bytes go out unchanged. With {@code partial} (the outbox) each recipient is accepted or refused on
 * its own ({@code sendpartial}); without, a refused recipient stops the message before DATA.
 */
final class MimeDelivery implements SmtpSender.Conversation<DeliveryOutcome> {

    private final SmtpSettings settings;
    private final byte[] mime;
    private final String envelopeFrom;
    private final List<String> recipients;
    private final LongConsumer serverSize;
    private final boolean partial;
    private TrackedMessage message;
    private InternetAddress[] addresses;

    MimeDelivery(SmtpSettings settings, byte[] mime, String envelopeFrom, List<String> recipients, LongConsumer serverSize,
            boolean partial) {
        this.settings = settings;
        this.mime = mime;
        this.envelopeFrom = envelopeFrom;
        this.recipients = recipients;
        this.serverSize = serverSize;
        this.partial = partial;
    }

    @Override
    public void prepare(Session session) throws MessagingException {
        // parsed, never changed: written back byte for byte, Message-ID included
        message = new TrackedMessage(session, new ByteArrayInputStream(mime));
        message.setEnvelopeFrom(envelopeFrom);
        message.setSendPartial(partial);
        addresses = new InternetAddress[recipients.size()];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = new InternetAddress(recipients.get(i), false);
        }
    }

    @Override
    public String sender() {
        return MimeMessages.fromAddress(message);
    }

    @Override
    public DeliveryOutcome converse(SMTPTransport transport) throws MessagingException {
        String size = transport.getExtensionParameter("SIZE");
        if (size != null && size.strip().matches("[1-9][0-9]{0,17}")) {
            serverSize.accept(Long.parseLong(size.strip()));
        }
        try {
            message.sendOn(transport, addresses);
            return new DeliveryOutcome(recipients, Map.of(), transport.getLastServerResponse());
        } catch (SendFailedException e) {
            DeliveryOutcome partial = perRecipient(e, transport.getLastServerResponse());
            if (partial == null) {
                throw e;
            }
            return partial;
        }
    }

    /**
     * The outcome when the failure is about recipients (some or all refused at RCPT); null when
     * it is about the whole message (DATA refused after the recipients were accepted).
     */
    private DeliveryOutcome perRecipient(SendFailedException e, String lastReply) {
        Map<String, MailException> refused = new LinkedHashMap<>();
        for (Exception next = e.getNextException(); next instanceof SMTPAddressFailedException;
                next = ((SMTPAddressFailedException) next).getNextException()) {
            SMTPAddressFailedException failed = (SMTPAddressFailedException) next;
            refused.put(failed.getAddress().getAddress(), SmtpFailures.fromMessaging(failed, settings, sender()));
        }
        List<String> sent = addresses(e.getValidSentAddresses());
        List<String> unsentWithoutReason = addresses(e.getValidUnsentAddresses());
        unsentWithoutReason.removeAll(refused.keySet());
        if (refused.isEmpty() || (sent.isEmpty() && !unsentWithoutReason.isEmpty())) {
            return null;
        }
        return new DeliveryOutcome(sent, refused, sent.isEmpty() ? "" : lastReply);
    }

    private static List<String> addresses(Address[] addresses) {
        List<String> result = new ArrayList<>();
        if (addresses != null) {
            for (Address address : addresses) {
                result.add(((InternetAddress) address).getAddress());
            }
        }
        return result;
    }
}
