package dev.mailer.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;


/**
 * A mail message, immutable and safe to share between threads. Built with {@link #builder()},
 * which checks everything that would otherwise fail late or dangerously at the SMTP server:
 * at least one recipient, every address an RFC 5322 mailbox ({@code jane@example.com} or
 * {@code Jane Doe <jane@example.com>}), and no CR/LF in any header value (header injection).
 *
 * <p>With both a text and an HTML body the message is sent as {@code multipart/alternative};
 * inline images go with the HTML body into {@code multipart/related}; attachments make it
 * {@code multipart/mixed}.
 */
@ProviderType
public final class Email {

    /** Headers the builder sets itself; an extra header by one of these names is refused. */
    private static final Set<String> MANAGED_HEADERS = Set.of("from", "sender", "to", "cc", "bcc", "reply-to", "subject",
            "mime-version", "content-type", "content-transfer-encoding", "message-id", "date");

    private final String from;
    private final List<String> replyTo;
    private final List<String> to;
    private final List<String> cc;
    private final List<String> bcc;
    private final String subject;
    private final String text;
    private final String html;
    private final List<Attachment> attachments;
    private final List<InlineImage> inlineImages;
    private final Map<String, String> headers;

    private Email(Builder b) {
        this.from = b.from;
        this.replyTo = List.copyOf(b.replyTo);
        this.to = List.copyOf(b.to);
        this.cc = List.copyOf(b.cc);
        this.bcc = List.copyOf(b.bcc);
        this.subject = b.subject;
        this.text = b.text;
        this.html = b.html;
        this.attachments = List.copyOf(b.attachments);
        this.inlineImages = List.copyOf(b.inlineImages.values());
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The sender, or null to use the service's configured {@code from.address}. */
    public String getFrom() {
        return from;
    }

    public List<String> getReplyTo() {
        return replyTo;
    }

    public List<String> getTo() {
        return to;
    }

    public List<String> getCc() {
        return cc;
    }

    public List<String> getBcc() {
        return bcc;
    }

    /** The subject, possibly empty, never null. */
    public String getSubject() {
        return subject;
    }

    /** The plain-text body, or null. */
    public String getText() {
        return text;
    }

    /** The HTML body, or null. */
    public String getHtml() {
        return html;
    }

    public List<Attachment> getAttachments() {
        return attachments;
    }

    /**
     * The images the HTML body refers to as {@code cid:<id>}, in the order they were added.
     *
     * @since 1.3
     */
    public List<InlineImage> getInlineImages() {
        return inlineImages;
    }

    /** Extra headers, in the order they were added. */
    public Map<String, String> getHeaders() {
        return headers;
    }

    /** Every envelope recipient: To, then Cc, then Bcc. */
    public List<String> getAllRecipients() {
        List<String> all = new ArrayList<>(to.size() + cc.size() + bcc.size());
        all.addAll(to);
        all.addAll(cc);
        all.addAll(bcc);
        return all;
    }

    @Override
    public String toString() {
        return "Email[to=" + to + ", cc=" + cc + ", bcc=" + bcc.size() + " hidden, subject=" + subject
                + ", attachments=" + attachments.size() + ", inlineImages=" + inlineImages.size() + "]";
    }

    /** Collects the parts of an {@link Email}; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {
        private String from;
        private final List<String> replyTo = new ArrayList<>();
        private final List<String> to = new ArrayList<>();
        private final List<String> cc = new ArrayList<>();
        private final List<String> bcc = new ArrayList<>();
        private String subject = "";
        private String text;
        private String html;
        private final List<Attachment> attachments = new ArrayList<>();
        private final Map<String, InlineImage> inlineImages = new LinkedHashMap<>();
        private final Map<String, String> headers = new LinkedHashMap<>();

        private Builder() {
        }

        /** The sender; leave unset to use the service's {@code from.address}. */
        public Builder from(String address) {
            this.from = HeaderValues.requireMailbox("from", address);
            return this;
        }

        public Builder replyTo(String... addresses) {
            return addAll("replyTo", replyTo, addresses);
        }

        public Builder to(String... addresses) {
            return addAll("to", to, addresses);
        }

        public Builder cc(String... addresses) {
            return addAll("cc", cc, addresses);
        }

        public Builder bcc(String... addresses) {
            return addAll("bcc", bcc, addresses);
        }

        public Builder subject(String subject) {
            this.subject = subject == null ? "" : HeaderValues.requireNoLineBreak("subject", subject);
            return this;
        }

        /** The plain-text body. */
        public Builder text(String text) {
            this.text = text;
            return this;
        }

        /** The HTML body; with a text body too, the message becomes multipart/alternative. */
        public Builder html(String html) {
            this.html = html;
            return this;
        }

        public Builder attach(Attachment attachment) {
            if (attachment == null) {
                throw new IllegalArgumentException("attachment must not be null");
            }
            attachments.add(attachment);
            return this;
        }

        public Builder attach(String fileName, String contentType, byte[] content) {
            return attach(new Attachment(fileName, contentType, content));
        }

        /**
         * Adds an image the HTML body shows with {@code <img src="cid:<contentId>">}; a second image
         * with the same content id replaces the first.
         *
         * @since 1.3
         */
        public Builder inline(InlineImage image) {
            if (image == null) {
                throw new IllegalArgumentException("inline image must not be null");
            }
            inlineImages.put(image.getContentId(), image);
            return this;
        }

        /** @since 1.3 */
        public Builder inline(String contentId, String contentType, byte[] content) {
            return inline(new InlineImage(contentId, contentType, content));
        }

        /**
         * Adds a header such as {@code X-Workflow-Id} or {@code In-Reply-To}. Headers the builder
         * manages (From, To, Subject, Content-Type, ...) are refused: use their builder methods.
         */
        public Builder header(String name, String value) {
            if (name == null || name.isEmpty() || !isFieldName(name)) {
                throw new IllegalArgumentException("header name must be printable US-ASCII without spaces or ':', was: " + name);
            }
            if (MANAGED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header " + name + " is set by the Email builder: use its method instead of header()");
            }
            headers.put(name, HeaderValues.requireNoLineBreak("header " + name, value == null ? "" : value));
            return this;
        }

        /**
         * Checks the message and returns it.
         *
         * @throws IllegalArgumentException naming the field, when there is no recipient or no body
         */
        public Email build() {
            if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) {
                throw new IllegalArgumentException("to/cc/bcc: an email needs at least one recipient");
            }
            if (text == null && html == null) {
                throw new IllegalArgumentException("text/html: an email needs a body; set text(...) or html(...) (an empty string is fine)");
            }
            if (!inlineImages.isEmpty() && html == null) {
                throw new IllegalArgumentException("inline images " + inlineImages.keySet()
                        + " are shown by an HTML body (<img src=\"cid:...\">): set html(...)");
            }
            return new Email(this);
        }

        private Builder addAll(String field, List<String> target, String... addresses) {
            if (addresses == null) {
                throw new IllegalArgumentException(field + " must not be null");
            }
            for (String address : addresses) {
                target.add(HeaderValues.requireMailbox(field, address));
            }
            return this;
        }

        private static boolean isFieldName(String name) {
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c < 33 || c > 126 || c == ':') {
                    return false;
                }
            }
            return true;
        }
    }
}
