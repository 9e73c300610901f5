package dev.mailer.relay.impl;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@link SenderPolicy#REWRITE} on the message as the device sent it: its {@code From} and {@code Sender}
 * headers are taken out (the mail service then puts in its {@code from.address}), and the device's
 * From becomes the {@code Reply-To} when there is none. Only the header block changes; the body stays
 * byte for byte. Headers are handled as ISO-8859-1, so every byte survives.
 */
final class SenderRewrite {

    private SenderRewrite() {
    }

    static byte[] apply(byte[] mime) {
        String text = new String(mime, StandardCharsets.ISO_8859_1);
        int end = headerEnd(text);
        String eol = text.contains("\r\n") ? "\r\n" : "\n";
        List<String> headers = unfolded(text.substring(0, end), eol);
        String from = null;
        boolean hasReplyTo = false;
        List<String> kept = new ArrayList<>();
        for (String header : headers) {
            String name = nameOf(header);
            if (name.equals("from")) {
                from = header.substring(header.indexOf(':') + 1).strip();
            } else if (!name.equals("sender")) {
                hasReplyTo |= name.equals("reply-to");
                kept.add(header);
            }
        }
        StringBuilder out = new StringBuilder();
        for (String header : kept) {
            out.append(header).append(eol);
        }
        if (from != null && !from.isEmpty() && !hasReplyTo) {
            out.append("Reply-To: ").append(from).append(eol);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(mime.length + 64);
        bytes.writeBytes(out.toString().getBytes(StandardCharsets.ISO_8859_1));
        bytes.write(mime, end, mime.length - end);
        return bytes.toByteArray();
    }

    /** Where the header block ends: the index of the empty line's line break (the body and that break follow). */
    private static int headerEnd(String text) {
        if (text.startsWith("\r\n") || text.startsWith("\n")) {
            return 0;
        }
        int crlf = text.indexOf("\r\n\r\n");
        int lf = text.indexOf("\n\n");
        if (crlf >= 0 && (lf < 0 || crlf < lf)) {
            return crlf + 2;
        }
        return lf >= 0 ? lf + 1 : text.length();
    }

    /** The header lines, each with its folded continuation lines (kept as they are, line breaks included). */
    private static List<String> unfolded(String block, String eol) {
        List<String> headers = new ArrayList<>();
        for (String line : block.split("\r?\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && !headers.isEmpty()) {
                int last = headers.size() - 1;
                headers.set(last, headers.get(last) + eol + line);
            } else {
                headers.add(line);
            }
        }
        return headers;
    }

    private static String nameOf(String header) {
        int colon = header.indexOf(':');
        return colon < 0 ? "" : header.substring(0, colon).strip().toLowerCase(Locale.ROOT);
    }
}
