package dev.mailer.api.template;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.osgi.annotation.versioning.ProviderType;

import dev.mailer.api.Attachment;
import dev.mailer.api.Email;
import dev.mailer.api.InlineImage;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/**
 * A mail template: Subject, From, Reply-To, Cc and Bcc headers and a text and/or HTML body with
 * {@code ${name}} placeholders, plus inline images and attachments. Immutable and thread-safe: parse
 * it once, render it for every mail.
 *
 * <p>A template source is written like a mail:
 * <pre>
 * Subject: Please review ${title}
 * Cc: ${manager}
 *
 * Hello ${name}, ...
 * </pre>
 * The header block is optional. A source whose name ends in {@code .html} or {@code .htm} has an
 * HTML body, any other a text body; {@link #alternative} joins a text and an HTML template.
 * Rendering HTML-escapes values in an HTML body and replaces line breaks in header values by spaces,
 * so that no value can add markup or a header. {@code $${} writes a literal {@code ${}.
 */
@ProviderType
public final class MailTemplate {

    private final String name;
    private final Map<String, PlaceholderText> headers;
    private final PlaceholderText text;
    private final PlaceholderText html;
    private final List<InlineImage> inlineImages;
    private final List<Attachment> attachments;

    private MailTemplate(String name, Map<String, PlaceholderText> headers, PlaceholderText text, PlaceholderText html,
            List<InlineImage> inlineImages, List<Attachment> attachments) {
        this.name = name;
        this.headers = headers;
        this.text = text;
        this.html = html;
        this.inlineImages = List.copyOf(inlineImages);
        this.attachments = List.copyOf(attachments);
    }

    /**
     * Parses a template source.
     *
     * @param name   names the template in errors; its extension says whether the body is HTML
     * @param source the header block, an empty line and the body; or only the body
     * @throws IllegalArgumentException naming the template and the line, for an unknown header or a
     *         malformed placeholder
     */
    public static MailTemplate parse(String name, String source) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source of template " + name);
        TemplateFile file = TemplateFile.parse(name, source);
        Map<String, PlaceholderText> headers = new LinkedHashMap<>();
        file.headers.forEach((header, value) -> headers.put(header, PlaceholderText.parse("template " + name + ", " + header, value)));
        PlaceholderText body = PlaceholderText.parse("template " + name + ", body", file.body);
        boolean isHtml = isHtml(name);
        return new MailTemplate(name, headers, isHtml ? null : body, isHtml ? body : null, List.of(), List.of());
    }

    /** Reads a template source in UTF-8 and parses it; see {@link #parse}. The stream is closed. */
    public static MailTemplate read(String name, InputStream source) throws IOException {
        try (InputStream in = source) {
            return parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /**
     * Joins a text and an HTML template into one that sends both (multipart/alternative).
     *
     * @throws IllegalArgumentException when the two set the same header differently
     */
    public static MailTemplate alternative(MailTemplate textTemplate, MailTemplate htmlTemplate) {
        if (textTemplate.text == null || htmlTemplate.html == null) {
            throw new IllegalArgumentException("alternative(text, html) takes a text template and an HTML template, got "
                    + textTemplate.name + " and " + htmlTemplate.name);
        }
        String name = textTemplate.name + " + " + htmlTemplate.name;
        Map<String, PlaceholderText> headers = new LinkedHashMap<>(textTemplate.headers);
        Map<String, String> sources = textTemplate.headerSources();
        htmlTemplate.headerSources().forEach((header, value) -> {
            String other = sources.get(header);
            if (other != null && !other.equals(value)) {
                throw new IllegalArgumentException("templates " + name + " set " + header + " differently (\"" + other + "\" and \""
                        + value + "\"): set it in one of them, or the same in both");
            }
            headers.putIfAbsent(header, htmlTemplate.headers.get(header));
        });
        List<InlineImage> images = new ArrayList<>(textTemplate.inlineImages);
        images.addAll(htmlTemplate.inlineImages);
        List<Attachment> files = new ArrayList<>(textTemplate.attachments);
        files.addAll(htmlTemplate.attachments);
        return new MailTemplate(name, headers, textTemplate.text, htmlTemplate.html, images, files);
    }

    /** This template with an image its HTML shows as {@code cid:<id>}. */
    public MailTemplate withInlineImage(InlineImage image) {
        List<InlineImage> images = new ArrayList<>(inlineImages);
        images.add(Objects.requireNonNull(image, "image"));
        return new MailTemplate(name, headers, text, html, images, attachments);
    }

    /** This template with a file attached to every mail rendered from it. */
    public MailTemplate withAttachment(Attachment attachment) {
        List<Attachment> files = new ArrayList<>(attachments);
        files.add(Objects.requireNonNull(attachment, "attachment"));
        return new MailTemplate(name, headers, text, html, inlineImages, files);
    }

    /** The name given when parsed, e.g. {@code welcome_de.txt + welcome_de.html}. */
    public String getName() {
        return name;
    }

    /** Every placeholder name in the headers and bodies, each once. */
    public Set<String> getPlaceholders() {
        Set<String> names = new LinkedHashSet<>();
        headers.values().forEach(value -> names.addAll(value.names()));
        if (text != null) {
            names.addAll(text.names());
        }
        if (html != null) {
            names.addAll(html.names());
        }
        return names;
    }

    /** Renders with every placeholder required; see {@link #render(Map, MissingValues)}. */
    public Email.Builder render(Map<String, ?> values) {
        return render(values, MissingValues.FAIL);
    }

    /**
     * Renders the template: an {@link Email.Builder} with the headers, bodies, inline images and
     * attachments set, to which the caller adds recipients (and anything else) before {@code build()}.
     *
     * @param values  placeholder values by name; {@code String.valueOf} makes text of each
     * @param missing what a placeholder without a value (absent or null) becomes
     * @throws IllegalArgumentException naming the template, the placeholder and where it is, for a
     *         missing value with {@link MissingValues#FAIL}, or a header that renders to an invalid address
     */
    public Email.Builder render(Map<String, ?> values, MissingValues missing) {
        Objects.requireNonNull(values, "values");
        Email.Builder email = Email.builder();
        headers.forEach((header, value) -> {
            String rendered = value.render(lookup(values, missing, header), MailTemplate::oneLine).strip();
            try {
                setHeader(email, header, rendered);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("template " + name + ", " + header + " \"" + rendered + "\": " + e.getMessage(), e);
            }
        });
        if (text != null) {
            email.text(text.render(lookup(values, missing, "text body"), UnaryOperator.identity()));
        }
        if (html != null) {
            email.html(html.render(lookup(values, missing, "HTML body"), HtmlText::escape));
        }
        inlineImages.forEach(email::inline);
        attachments.forEach(email::attach);
        return email;
    }

    @Override
    public String toString() {
        return "MailTemplate[" + name + ", headers=" + headers.keySet() + ", text=" + (text != null) + ", html=" + (html != null)
                + ", inlineImages=" + inlineImages.size() + ", attachments=" + attachments.size() + "]";
    }

    private PlaceholderText.Values lookup(Map<String, ?> values, MissingValues missing, String where) {
        return placeholder -> {
            Object value = values.get(placeholder);
            if (value != null) {
                return String.valueOf(value);
            }
            if (missing == MissingValues.EMPTY) {
                return "";
            }
            throw new IllegalArgumentException("template " + name + ": no value for ${" + placeholder + "} in the " + where
                    + "; pass a value named " + placeholder + ", or render with MissingValues.EMPTY to leave it empty");
        };
    }

    private static void setHeader(Email.Builder email, String header, String value) {
        if (value.isEmpty()) {
            return;
        }
        switch (header) {
            case "Subject":
                email.subject(value);
                break;
            case "From":
                email.from(value);
                break;
            case "Reply-To":
                email.replyTo(mailboxes(value));
                break;
            case "Cc":
                email.cc(mailboxes(value));
                break;
            case "Bcc":
                email.bcc(mailboxes(value));
                break;
            default:
                throw new IllegalStateException("not a template header: " + header);
        }
    }

    /** Splits an address list at its commas (not those inside quotes or comments). */
    private static String[] mailboxes(String list) {
        try {
            InternetAddress[] parsed = InternetAddress.parseHeader(list, false);
            String[] result = new String[parsed.length];
            for (int i = 0; i < parsed.length; i++) {
                result[i] = parsed[i].toUnicodeString();
            }
            return result;
        } catch (AddressException e) {
            throw new IllegalArgumentException("not a list of RFC 5322 mailboxes (" + e.getMessage() + ")", e);
        }
    }

    /** A header value never spans lines: a value with a line break would otherwise start a header. */
    private static String oneLine(String value) {
        return value.replaceAll("[\\r\\n\\u0000]+", " ");
    }

    private Map<String, String> headerSources() {
        Map<String, String> sources = new LinkedHashMap<>();
        headers.forEach((header, value) -> sources.put(header, value.source()));
        return sources;
    }

    private static boolean isHtml(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".html") || lower.endsWith(".htm");
    }
}
