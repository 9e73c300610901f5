package dev.mailer.api;

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
}
