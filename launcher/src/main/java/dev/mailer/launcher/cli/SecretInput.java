package dev.mailer.launcher.cli;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import dev.mailer.launcher.args.UsageException;

/**
 * A secret a command reads from stdin ({@code encrypt}, {@code relay-user}): at a terminal it is asked
 * without echo; piped, everything up to the end is taken, a final line break dropped. Never from the
 * command line, which the shell history and the process list keep.
 */
final class SecretInput {

    /** Far more than any password or token: a file piped in by mistake is refused, not taken. */
    static final int MAX_CHARS = 64 * 1024;

    private SecretInput() {
    }

    /**
     * @param prompt  what the terminal shows, e.g. {@code Value to encrypt (not shown): }
     * @param example a command line that pipes a value in, for the error when there was none
     */
    static String read(Console console, InputStream in, String prompt, String command, String example) throws UsageException {
        String value;
        if (console != null) {
            char[] typed = console.readPassword(prompt);
            value = typed == null ? "" : new String(typed);
        } else {
            try {
                byte[] bytes = in.readNBytes(MAX_CHARS * 4 + 1);
                value = new String(bytes, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UsageException(command + " cannot read stdin: " + e.getMessage());
            }
        }
        value = value.endsWith("\r\n") ? value.substring(0, value.length() - 2)
                : value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
        if (value.isEmpty()) {
            throw new UsageException(command + " reads the value from stdin, and there was none; e.g. " + example);
        }
        if (value.length() > MAX_CHARS) {
            throw new UsageException(command + " takes one secret of at most " + MAX_CHARS + " characters from stdin");
        }
        return value;
    }
}
