package dev.mailer.api;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * A ready MIME message with its envelope, for callers with a MIME builder of their own (Apache
 * Commons Email, a bridge from another mail API): {@link MailService#send(MimeMail)} sends it as it
 * is, with the service's authentication, connection pool, retries and diagnosis. A message without
 * a {@code Message-ID} gets one, as does one without a {@code Date}, and one without a {@code From}
 * gets the service's {@code from.address}; a {@code Bcc} header of a {@link MimeMessage} is left out
 * (its recipients stay in the envelope).
 *
 * @since 1.3
 */
@ProviderType
public final class MimeMail {

    /** Headers a message carries to the server only in the envelope. */
    private static final String[] ENVELOPE_ONLY = {"Bcc", "Content-Length"};

    private final byte[] bytes;
    private final MimeMessage message;
    private final String envelopeFrom;
    private final List<String> recipients;

    private MimeMail(byte[] bytes, MimeMessage message, String envelopeFrom, Collection<String> recipients) {
        this.bytes = bytes;
        this.message = message;
        this.envelopeFrom = envelopeFrom == null ? null : address("envelope from", envelopeFrom);
        if (recipients == null || recipients.isEmpty()) {
            throw new IllegalArgumentException("recipients: a MIME message needs at least one envelope recipient");
        }
        List<String> addresses = new ArrayList<>(recipients.size());
        for (String recipient : recipients) {
            addresses.add(address("envelope recipient", recipient));
        }
        this.recipients = List.copyOf(addresses);
    }

    /**
     * @param mime         the message as it goes out: headers, an empty line, the body (line ends CRLF or LF)
     * @param envelopeFrom the {@code MAIL FROM} address, or null for the service's {@code from.address}
     * @param recipients   the {@code RCPT TO} addresses: To, Cc and Bcc
     */
    public static MimeMail of(byte[] mime, String envelopeFrom, Collection<String> recipients) {
        if (mime == null || mime.length == 0) {
            throw new IllegalArgumentException("mime: the message is empty; give its headers and body");
        }
        return new MimeMail(mime.clone(), null, envelopeFrom, recipients);
    }

    /**
     * A {@code jakarta.mail} message, written out by the mail service when it sends (so that the
     * service's class loader finds the content handlers): do not change it after handing it over.
     *
     * @param recipients the {@code RCPT TO} addresses; null for the message's To, Cc and Bcc
     */
    public static MimeMail of(MimeMessage message, String envelopeFrom, Collection<String> recipients) {
        Objects.requireNonNull(message, "message");
        return new MimeMail(null, message, envelopeFrom, recipients != null ? recipients : recipientsOf(message));
    }

    /** The {@code MAIL FROM} address, or null for the service's {@code from.address}. */
    public String getEnvelopeFrom() {
        return envelopeFrom;
    }

    /** The {@code RCPT TO} addresses (bare addresses, without display names). */
    public List<String> getRecipients() {
        return recipients;
    }

    /**
     * Writes the message as given: the bytes, or the {@code jakarta.mail} message without its Bcc
     * header. The service calls this with its own context class loader in place.
     */
    public void writeTo(OutputStream out) throws IOException, MessagingException {
        if (bytes != null) {
            out.write(bytes);
        } else {
            message.writeTo(out, ENVELOPE_ONLY);
        }
    }

    @Override
    public String toString() {
        return "MimeMail[" + (bytes != null ? bytes.length + " bytes" : "jakarta.mail message") + ", recipients=" + recipients.size() + "]";
    }

    private static List<String> recipientsOf(MimeMessage message) {
        try {
            jakarta.mail.Address[] all = message.getAllRecipients();
            List<String> addresses = new ArrayList<>();
            for (jakarta.mail.Address address : all == null ? new jakarta.mail.Address[0] : all) {
                addresses.add(address instanceof InternetAddress ? ((InternetAddress) address).getAddress() : address.toString());
            }
            return addresses;
        } catch (MessagingException e) {
            throw new IllegalArgumentException("recipients: the message's To, Cc and Bcc cannot be read (" + e.getMessage()
                    + "); pass the envelope recipients explicitly", e);
        }
    }

    /** A bare address (the part in angle brackets of a mailbox), for the envelope. */
    private static String address(String field, String mailbox) {
        try {
            return new InternetAddress(HeaderValues.requireMailbox(field, mailbox), true).getAddress();
        } catch (jakarta.mail.internet.AddressException e) {
            throw new IllegalArgumentException(field + " address is not a valid RFC 5322 mailbox: " + mailbox, e);
        }
    }
}
