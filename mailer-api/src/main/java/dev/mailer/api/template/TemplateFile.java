package dev.mailer.api.template;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parts of one template source: an optional header block (Subject, From, Reply-To, Cc, Bcc,
 * each {@code Name: value}, ended by an empty line) and the body. The block is there when the first
 * line starts with one of those names and a colon; otherwise the whole source is the body.
 */
final class TemplateFile {

    /** The headers a template sets, in their canonical spelling. */
    static final List<String> HEADERS = List.of("Subject", "From", "Reply-To", "Cc", "Bcc");

    final Map<String, String> headers;
    final String body;

    private TemplateFile(Map<String, String> headers, String body) {
        this.headers = headers;
        this.body = body;
    }

    static TemplateFile parse(String name, String source) {
        String text = source.startsWith("\uFEFF") ? source.substring(1) : source;
        text = text.replace("\r\n", "\n");
        if (canonical(headerName(firstLine(text))) == null) {
            return new TemplateFile(Map.of(), text);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        String current = null;
        int line = 0;
        for (; line < lines.length && !lines[line].isEmpty(); line++) {
            String content = lines[line];
            if ((content.startsWith(" ") || content.startsWith("\t")) && current != null) {
                // a folded header line goes on the previous header (RFC 5322 2.2.3)
                headers.put(current, headers.get(current) + " " + content.strip());
                continue;
            }
            String header = canonical(headerName(content));
            if (header == null) {
                throw new IllegalArgumentException("template " + name + " line " + (line + 1) + ": \"" + content
                        + "\" is not a template header; a template sets " + String.join(", ", HEADERS)
                        + " (as Name: value), then an empty line, then the body. Add other headers to the rendered"
                        + " Email.Builder with header(name, value)");
            }
            if (headers.containsKey(header)) {
                throw new IllegalArgumentException("template " + name + " line " + (line + 1) + ": " + header
                        + " appears twice; list several addresses in one header, separated by commas");
            }
            headers.put(header, content.substring(content.indexOf(':') + 1).strip());
            current = header;
        }
        String body = line + 1 >= lines.length ? "" : String.join("\n", List.of(lines).subList(line + 1, lines.length));
        return new TemplateFile(headers, body);
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    private static String headerName(String line) {
        int colon = line.indexOf(':');
        return colon <= 0 ? null : line.substring(0, colon).strip();
    }

    private static String canonical(String header) {
        if (header == null) {
            return null;
        }
        for (String known : HEADERS) {
            if (known.toLowerCase(Locale.ROOT).equals(header.toLowerCase(Locale.ROOT))) {
                return known;
            }
        }
        return null;
    }
}
