package dev.mailer.api;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/** Checks shared by every value that ends up in a header line. */
final class HeaderValues {

    private HeaderValues() {
    }

    /** Rejects null, empty and anything with CR, LF or NUL (header injection). */
    static String requireSafe(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
        return requireNoLineBreak(field, value);
    }

    /** Rejects what {@link #requireSafe} does and anything that is not {@code type/subtype}. */
    static String requireMimeType(String field, String value, String example) {
        requireSafe(field, value);
        if (!value.contains("/")) {
            throw new IllegalArgumentException(field + " must be a MIME type like " + example + ", was: " + value);
        }
        return value;
    }

    /** Rejects CR, LF and NUL, which would let a value start a new header or end the headers. */
    static String requireNoLineBreak(String field, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                throw new IllegalArgumentException(field + " must not contain line breaks (CR/LF) or NUL, which could inject headers: "
                        + value.substring(0, i).strip() + "...");
            }
        }
        return value;
    }

    /** Accepts exactly one RFC 5322 mailbox; returns it trimmed. */
    static String requireMailbox(String field, String address) {
        String value = requireSafe(field + " address", address).strip();
        try {
            InternetAddress[] parsed = InternetAddress.parseHeader(value, true);
            if (parsed.length != 1) {
                throw new IllegalArgumentException(field + " address must be one mailbox, got " + parsed.length
                        + " in: " + value + " (pass several addresses as separate arguments)");
            }
            parsed[0].validate();
            if (parsed[0].isGroup()) {
                throw new IllegalArgumentException(field + " address must be a mailbox, not a group: " + value);
            }
        } catch (AddressException e) {
            throw new IllegalArgumentException(field + " address is not a valid RFC 5322 mailbox: " + value
                    + " (" + e.getMessage() + "); expected jane@example.com or Jane Doe <jane@example.com>", e);
        }
        return value;
    }
}
