package dev.mailer.core.impl;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;

import dev.mailer.api.Attachment;
import dev.mailer.api.Email;
import dev.mailer.api.InlineImage;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;

/**
 * Turns an {@link Email} into a MIME message: text and HTML as multipart/alternative, the HTML
 * with its inline images as multipart/related, attachments around it as multipart/mixed, every
 * text in UTF-8.
 */
final class MimeMessages {

    private static final String UTF_8 = StandardCharsets.UTF_8.name();

    private MimeMessages() {
    }

    static TrackedMessage create(Session session, Email email, String defaultFrom) throws MessagingException {
        TrackedMessage message = new TrackedMessage(session);
        message.setFrom(address(email.getFrom() != null ? email.getFrom() : defaultFrom));
        if (!email.getReplyTo().isEmpty()) {
            message.setReplyTo(addresses(email.getReplyTo()));
        }
        if (!email.getTo().isEmpty()) {
            message.setRecipients(Message.RecipientType.TO, addresses(email.getTo()));
        }
        if (!email.getCc().isEmpty()) {
            message.setRecipients(Message.RecipientType.CC, addresses(email.getCc()));
        }
        // Bcc recipients go to the envelope only (see recipients()), never into a header
        message.setSubject(email.getSubject(), UTF_8);
        message.setSentDate(new Date());
        for (Map.Entry<String, String> header : email.getHeaders().entrySet()) {
            message.addHeader(header.getKey(), MimeUtility.fold(header.getKey().length() + 2, encode(header.getValue())));
        }

        MimePartContent body = body(email);
        if (email.getAttachments().isEmpty()) {
            body.applyTo(message);
        } else {
            MimeMultipart mixed = new MimeMultipart("mixed");
            MimeBodyPart bodyPart = new MimeBodyPart();
            body.applyTo(bodyPart);
            mixed.addBodyPart(bodyPart);
            for (Attachment attachment : email.getAttachments()) {
                mixed.addBodyPart(attachmentPart(attachment));
            }
            message.setContent(mixed);
        }
        message.saveChanges();
        return message;
    }

    /** Envelope recipients: To, Cc and Bcc. */
    /** The bare address of the message's first From, or null (no message yet, no From, or one that cannot be read). */
    static String fromAddress(MimeMessage message) {
        try {
            Address[] from = message == null ? null : message.getFrom();
            return from != null && from.length > 0 && from[0] instanceof InternetAddress ? ((InternetAddress) from[0]).getAddress() : null;
        } catch (MessagingException e) {
            return null;
        }
    }

    static InternetAddress[] recipients(Email email) throws MessagingException {
        return addresses(email.getAllRecipients());
    }

    private static MimePartContent body(Email email) throws MessagingException {
        String text = email.getText();
        MimePartContent html = email.getHtml() == null ? null : html(email);
        if (text != null && html != null) {
            MimeMultipart alternative = new MimeMultipart("alternative");
            // least preferred first (RFC 2046 5.1.4)
            alternative.addBodyPart(textPart(text, "plain"));
            alternative.addBodyPart(bodyPart(html));
            return part -> part.setContent(alternative);
        }
        return html != null ? html : part -> part.setText(text, UTF_8, "plain");
    }

    /** The HTML, with the images it shows as cid: around it in multipart/related (RFC 2387). */
    private static MimePartContent html(Email email) throws MessagingException {
        String html = email.getHtml();
        if (email.getInlineImages().isEmpty()) {
            return part -> part.setText(html, UTF_8, "html");
        }
        MimeMultipart related = new MimeMultipart("related");
        related.addBodyPart(textPart(html, "html"));
        for (InlineImage image : email.getInlineImages()) {
            related.addBodyPart(inlinePart(image));
        }
        return part -> part.setContent(related);
    }

    private static MimeBodyPart bodyPart(MimePartContent content) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        content.applyTo(part);
        return part;
    }

    private static MimeBodyPart textPart(String content, String subtype) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setText(content, UTF_8, subtype);
        return part;
    }

    private static MimeBodyPart inlinePart(InlineImage image) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(image.getContent(), image.getContentType())));
        part.setDisposition(Part.INLINE);
        part.setContentID("<" + image.getContentId() + ">");
        return part;
    }

    private static MimeBodyPart attachmentPart(Attachment attachment) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(attachment.getContent(), attachment.getContentType())));
        part.setDisposition(Part.ATTACHMENT);
        part.setFileName(encode(attachment.getFileName()));
        return part;
    }

    /** RFC 2047-encodes non-ASCII text; ASCII stays as it is. */
    private static String encode(String text) throws MessagingException {
        try {
            return MimeUtility.encodeText(text, UTF_8, null);
        } catch (UnsupportedEncodingException e) {
            throw new MessagingException("cannot encode " + text + " in UTF-8", e);
        }
    }

    private static InternetAddress address(String mailbox) throws MessagingException {
        InternetAddress address = new InternetAddress(mailbox, true);
        if (address.getPersonal() != null) {
            // re-set so that non-ASCII display names are encoded as RFC 2047 words in UTF-8
            try {
                address.setPersonal(address.getPersonal(), UTF_8);
            } catch (UnsupportedEncodingException e) {
                throw new MessagingException("cannot encode the name in " + mailbox, e);
            }
        }
        return address;
    }

    private static InternetAddress[] addresses(List<String> mailboxes) throws MessagingException {
        InternetAddress[] result = new InternetAddress[mailboxes.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = address(mailboxes.get(i));
        }
        return result;
    }

    /** Body content that can go into the message itself or into a multipart. */
    @FunctionalInterface
    private interface MimePartContent {
        void applyTo(jakarta.mail.internet.MimePart part) throws MessagingException;
    }
}
