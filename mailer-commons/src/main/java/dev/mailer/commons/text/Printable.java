package dev.mailer.commons.text;

/**
 * Foreign text (a configuration value, a line a server sent) made safe to quote in an error
 * message or a log line: control characters become {@code ?}, so a CR/LF in a value cannot start
 * a forged log line or header, and the text is cut after {@link #MAX_LENGTH} characters, so a
 * 100 KB value does not flood the log.
 */
public final class Printable {

    /** How many characters of the text are shown at most. */
    public static final int MAX_LENGTH = 80;

    private Printable() {
    }

    /** The text with control characters replaced and cut to {@link #MAX_LENGTH} ("..." marks a cut). */
    public static String of(String text) {
        StringBuilder shown = new StringBuilder(Math.min(text.length(), MAX_LENGTH) + 3);
        for (int i = 0; i < text.length() && shown.length() < MAX_LENGTH; i++) {
            char c = text.charAt(i);
            shown.append(Character.isISOControl(c) ? '?' : c);
        }
        return text.length() <= MAX_LENGTH ? shown.toString() : shown + "...";
    }

    /** {@link #of} in single quotes, as error messages quote a value. */
    public static String quoted(String text) {
        return "'" + of(text) + "'";
    }
}
