package dev.mailer.it.mail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;

/**
 * A received message taken apart, for assertions: envelope, decoded headers, the MIME tree and
 * every leaf part's decoded content. Parsing happens once, inside the container (it uses
 * jakarta.mail); the result is plain Java, so test classes never name jakarta.mail types.
 */
public final class ReceivedMail {

    private final String envelopeFrom;
    private final List<String> envelopeRecipients;
    private final byte[] raw;
    private final String subject;
    private final List<String> from;
    private final List<String> to;
    private final List<String> cc;
    private final String bccHeader;
    private final String messageId;
    private final String structure;
    private final List<MailPart> parts;
    private final MimeMessage message;

    private ReceivedMail(String envelopeFrom, List<String> envelopeRecipients, byte[] raw) throws MessagingException, IOException {
        this.envelopeFrom = envelopeFrom;
        this.envelopeRecipients = envelopeRecipients == null ? List.of() : List.copyOf(envelopeRecipients);
        this.raw = raw.clone();
        this.message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
        String rawSubject = message.getHeader("Subject", null);
        this.subject = rawSubject == null ? null : MimeUtility.decodeText(MimeUtility.unfold(rawSubject));
        this.from = addresses(message.getFrom());
        this.to = addresses(message.getRecipients(MimeMessage.RecipientType.TO));
        this.cc = addresses(message.getRecipients(MimeMessage.RecipientType.CC));
        this.bccHeader = message.getHeader("Bcc", ", ");
        this.messageId = message.getMessageID();
        List<MailPart> leaves = new ArrayList<>();
        this.structure = walk(message, rawContent(message), leaves);
        this.parts = Collections.unmodifiableList(leaves);
    }

    /**
     * @param envelopeFrom       MAIL FROM, or null when the server does not tell
     * @param envelopeRecipients RCPT TO, or null when the server does not tell
     * @param raw                the message as received
     */
    public static ReceivedMail parse(String envelopeFrom, List<String> envelopeRecipients, byte[] raw) {
        try {
            return new ReceivedMail(envelopeFrom, envelopeRecipients, raw);
        } catch (MessagingException | IOException e) {
            throw new AssertionError("The received message cannot be parsed as MIME: " + e + "\n"
                    + new String(raw, StandardCharsets.UTF_8), e);
        }
    }

    public String envelopeFrom() {
        return envelopeFrom;
    }

    public List<String> envelopeRecipients() {
        return envelopeRecipients;
    }

    public byte[] raw() {
        return raw.clone();
    }

    /** The raw text, for failure messages. */
    public String rawText() {
        return new String(raw, StandardCharsets.UTF_8);
    }

    /** The first value of a header as it is in the message (not decoded), or null. */
    public String header(String name) {
        try {
            return message.getHeader(name, null);
        } catch (MessagingException e) {
            throw new AssertionError(e);
        }
    }

    /** The Subject, RFC 2047-decoded. */
    public String subject() {
        return subject;
    }

    /** From addresses, decoded, as {@code Name <a@b>} (the name unquoted) or {@code a@b}. */
    public List<String> from() {
        return from;
    }

    public List<String> to() {
        return to;
    }

    public List<String> cc() {
        return cc;
    }

    /** The Bcc header, which must not be there; null when absent. */
    public String bccHeader() {
        return bccHeader;
    }

    public String messageId() {
        return messageId;
    }

    /**
     * The MIME tree, e.g. {@code multipart/mixed[multipart/alternative[text/plain,text/html],application/pdf]}.
     */
    public String structure() {
        return structure;
    }

    /** The leaf parts in document order (for a single-part message, the message itself). */
    public List<MailPart> parts() {
        return parts;
    }

    /** The text/plain body (not an attachment), decoded; null if none. */
    public String text() {
        return body("text/plain");
    }

    /** The text/html body (not an attachment), decoded; null if none. */
    public String html() {
        return body("text/html");
    }

    /** The parts with a file name or disposition attachment. */
    public List<MailPart> attachments() {
        List<MailPart> attachments = new ArrayList<>();
        for (MailPart p : parts) {
            if (p.isAttachment()) {
                attachments.add(p);
            }
        }
        return attachments;
    }

    private String body(String type) {
        for (MailPart p : parts) {
            if (!p.isAttachment() && p.contentType().equals(type)) {
                return p.text();
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "ReceivedMail[envelope " + envelopeFrom + " -> " + envelopeRecipients + ", subject=" + subject + ", " + structure + "]";
    }

    private static String walk(Part part, byte[] content, List<MailPart> leaves) throws MessagingException, IOException {
        ContentType type = new ContentType(part.getContentType() == null ? "text/plain" : part.getContentType());
        String base = type.getBaseType().toLowerCase(Locale.ROOT);
        if (base.startsWith("multipart/")) {
            MimeMultipart multipart = new MimeMultipart(new ByteArrayDataSource(content, type.toString()));
            StringBuilder tree = new StringBuilder(base).append('[');
            for (int i = 0; i < multipart.getCount(); i++) {
                MimeBodyPart child = (MimeBodyPart) multipart.getBodyPart(i);
                tree.append(i == 0 ? "" : ",").append(walk(child, rawContent(child), leaves));
            }
            return tree.append(']').toString();
        }
        String encoding = part instanceof MimeBodyPart ? ((MimeBodyPart) part).getEncoding() : ((MimeMessage) part).getEncoding();
        byte[] decoded = decode(content, encoding);
        String fileName = part.getFileName();
        if (fileName != null) {
            fileName = MimeUtility.decodeText(fileName);
        }
        leaves.add(new MailPart(base, type.getParameter("charset"), part.getDisposition(), fileName, encoding, decoded));
        return base;
    }

    private static byte[] rawContent(Part part) throws MessagingException, IOException {
        InputStream in = part instanceof MimeBodyPart ? ((MimeBodyPart) part).getRawInputStream()
                : ((MimeMessage) part).getRawInputStream();
        try (in) {
            return in.readAllBytes();
        }
    }

    private static byte[] decode(byte[] content, String encoding) throws MessagingException, IOException {
        if (encoding == null) {
            return content;
        }
        try (InputStream in = MimeUtility.decode(new ByteArrayInputStream(content), encoding)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    private static List<String> addresses(Address[] addresses) {
        if (addresses == null) {
            return List.of();
        }
        List<String> list = new ArrayList<>();
        for (Address a : addresses) {
            if (a instanceof InternetAddress) {
                InternetAddress ia = (InternetAddress) a;
                // the decoded display name as written, unquoted: "Name <a@b>" or "a@b"
                list.add(ia.getPersonal() == null ? ia.getAddress() : ia.getPersonal() + " <" + ia.getAddress() + ">");
            } else {
                list.add(a.toString());
            }
        }
        return list;
    }

    /** A leaf of the MIME tree. */
    public static final class MailPart {
        private final String contentType;
        private final String charset;
        private final String disposition;
        private final String fileName;
        private final String transferEncoding;
        private final byte[] content;

        MailPart(String contentType, String charset, String disposition, String fileName, String transferEncoding, byte[] content) {
            this.contentType = contentType;
            this.charset = charset;
            this.disposition = disposition;
            this.fileName = fileName;
            this.transferEncoding = transferEncoding;
            this.content = content;
        }

        /** The base type, lower case, e.g. {@code text/plain}. */
        public String contentType() {
            return contentType;
        }

        public String charset() {
            return charset;
        }

        /** {@code attachment}, {@code inline} or null. */
        public String disposition() {
            return disposition;
        }

        /** The decoded file name, or null. */
        public String fileName() {
            return fileName;
        }

        /** The Content-Transfer-Encoding, e.g. {@code base64}, or null. */
        public String transferEncoding() {
            return transferEncoding;
        }

        public boolean isAttachment() {
            return fileName != null || Part.ATTACHMENT.equalsIgnoreCase(disposition);
        }

        /** The decoded bytes. */
        public byte[] bytes() {
            return content.clone();
        }

        /** The content as text in its charset (US-ASCII when it names none). */
        public String text() {
            Charset cs;
            try {
                cs = charset == null ? StandardCharsets.US_ASCII : Charset.forName(MimeUtility.javaCharset(charset));
            } catch (RuntimeException e) {
                throw new AssertionError("unknown charset " + charset, e);
            }
            return new String(content, cs);
        }

        @Override
        public String toString() {
            return "MailPart[" + contentType + (charset == null ? "" : "; charset=" + charset)
                    + (fileName == null ? "" : ", " + fileName) + ", " + content.length + " bytes]";
        }
    }
}
