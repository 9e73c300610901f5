package dev.mailer.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The secrets directory the interpolation plugin reads {@code $[secret:NAME]} from, as the real
 * deployment has it: one file a secret, named as in the .cfg.json file.
 */
public final class Secrets {

    /** The SMTP password of the .cfg.json file ({@code smtp.password}). */
    public static final String SMTP_PASSWORD = "smtp_password";
    /** The truststore password of the .cfg.json file ({@code smtp.truststore.password}). */
    public static final String SMTP_TRUSTSTORE_PASSWORD = "smtp_truststore_password";

    private Secrets() {
    }

    public static void write(Path dir, String name, String value) throws IOException {
        Files.createDirectories(dir);
        // a trailing newline, as `echo secret > file` leaves one: the plugin trims it
        Files.writeString(dir.resolve(name), value + "\n", StandardCharsets.UTF_8);
    }

    public static String read(String name) {
        try {
            return Files.readString(ItPaths.secretsDir().resolve(name), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the secret " + name + " in " + ItPaths.secretsDir(), e);
        }
    }

    /** The login password the SMTP servers of the tests accept (the secret smtp_password). */
    public static String smtpPassword() {
        return read(SMTP_PASSWORD);
    }
}
