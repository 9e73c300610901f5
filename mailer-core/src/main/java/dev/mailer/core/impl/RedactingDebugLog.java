package dev.mailer.core.impl;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.slf4j.Logger;

/**
 * Receives Angus Mail's protocol trace ({@code debug.email=true}) and logs it line by line, with
 * credentials removed: the argument of every AUTH command, bare base64 lines (the LOGIN and
 * XOAUTH2 exchanges), and any known secret wherever it appears, plain or base64-encoded (alone or
 * inside the base64 of a longer text).
 * The credentials never reach the trace (Angus suppresses its own AUTH exchanges with
 * {@code mail.debug.auth=false}, {@link UntracedCommand} the XOAUTH2 response); this is the
 * second line of defence, for traces nobody knew were sensitive.
 */
final class RedactingDebugLog extends OutputStream {

    static final String REDACTED = "<redacted>";

    private static final Pattern AUTH_COMMAND = Pattern.compile("(?i)^(AUTH\\s+\\S+)\\s+\\S.*$");
    /**
     * A line that is a lone base64 token, e.g. a LOGIN password or an XOAUTH2 initial response;
     * not a protocol keyword such as STARTTLS (all capitals).
     */
    private static final Pattern BASE64_LINE = Pattern.compile("^(?![A-Z]+$)[A-Za-z0-9+/]{8,}={0,2}$");

    /** Shorter parts of a secret's base64 could be any text: not redacted. */
    private static final int MIN_EMBEDDED_FORM = 8;

    private final Logger log;
    private final String prefix;
    private final Set<String> secrets = new LinkedHashSet<>();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    /**
     * @param log     where the lines go (at INFO: debug.email is itself the switch)
     * @param prefix  what each line starts with, e.g. the server
     * @param secrets values never to log; blanks are ignored
     */
    RedactingDebugLog(Logger log, String prefix, String... secrets) {
        this.log = log;
        this.prefix = prefix;
        for (String secret : secrets) {
            if (secret != null && !secret.isBlank()) {
                this.secrets.add(secret);
                this.secrets.add(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
                this.secrets.addAll(embeddedBase64(secret));
            }
        }
    }

    /**
     * How {@code secret} looks inside the base64 of a longer text (an XOAUTH2 or PLAIN response):
     * at each of the three byte alignments, the characters that depend on the secret alone.
     */
    static List<String> embeddedBase64(String secret) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        List<String> forms = new ArrayList<>(3);
        for (int before = 0; before < 3; before++) {
            byte[] aligned = new byte[before + bytes.length];
            System.arraycopy(bytes, 0, aligned, before, bytes.length);
            String encoded = Base64.getEncoder().encodeToString(aligned);
            int first = (8 * before + 5) / 6;
            int end = 8 * (before + bytes.length) / 6;
            if (end - first >= MIN_EMBEDDED_FORM) {
                forms.add(encoded.substring(first, end));
            }
        }
        return forms;
    }

    PrintStream printStream() {
        return new PrintStream(this, true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            flushLine();
        } else if (b != '\r') {
            line.write(b);
        }
    }

    @Override
    public synchronized void flush() {
        // lines are logged when complete; a partial line waits for its end
    }

    @Override
    public synchronized void close() {
        flushLine();
    }

    private void flushLine() {
        if (line.size() == 0) {
            return;
        }
        String text = redact(line.toString(StandardCharsets.UTF_8));
        line.reset();
        log.info("{} {}", prefix, text);
    }

    String redact(String text) {
        String result = text;
        for (String secret : secrets) {
            result = result.replace(secret, REDACTED);
        }
        if (AUTH_COMMAND.matcher(result).matches()) {
            return AUTH_COMMAND.matcher(result).replaceFirst("$1 " + REDACTED);
        }
        if (BASE64_LINE.matcher(result).matches()) {
            return REDACTED;
        }
        return result;
    }
}
