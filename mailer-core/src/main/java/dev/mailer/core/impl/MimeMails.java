package dev.mailer.core.impl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.UUID;

import dev.mailer.api.MimeMail;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MailDateFormat;

/**
 * Turns a caller's ready {@link MimeMail} into what the sender and the outbox send: its bytes as
 * given, with a {@code Message-ID} (the same on every attempt), a {@code Date} and a {@code From}
 * (the configured {@code from.address}) put in front when it has none, and its envelope.
 */
final class MimeMails {

    private MimeMails() {
    }

    /** Runs under the mail class loader: a {@code jakarta.mail} message is written out here. */
    static SmtpSender.Rendered render(MimeMail mail, String defaultFrom) throws MessagingException, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.writeTo(out);
        byte[] mime = out.toByteArray();
        InternetHeaders headers = new InternetHeaders(new ByteArrayInputStream(mime));
        String envelopeFrom = mail.getEnvelopeFrom() != null ? mail.getEnvelopeFrom() : new InternetAddress(defaultFrom).getAddress();
        String messageId = headers.getHeader("Message-ID", null);
        StringBuilder missing = new StringBuilder();
        if (messageId == null || messageId.isBlank()) {
            messageId = "<" + UUID.randomUUID() + "@" + envelopeFrom.substring(envelopeFrom.indexOf('@') + 1) + ">";
            missing.append("Message-ID: ").append(messageId).append("\r\n");
        }
        if (headers.getHeader("From", null) == null) {
            missing.append("From: ").append(new InternetAddress(defaultFrom).toString()).append("\r\n");
        }
        if (headers.getHeader("Date", null) == null) {
            missing.append("Date: ").append(new MailDateFormat().format(new Date())).append("\r\n");
        }
        if (missing.length() > 0) {
            byte[] front = missing.toString().getBytes(StandardCharsets.US_ASCII);
            byte[] whole = new byte[front.length + mime.length];
            System.arraycopy(front, 0, whole, 0, front.length);
            System.arraycopy(mime, 0, whole, front.length, mime.length);
            mime = whole;
        }
        return new SmtpSender.Rendered(mime, messageId.strip(), envelopeFrom, mail.getRecipients());
    }
}
