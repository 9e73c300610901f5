package dev.mailer.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The log of this test class's Felix: everything logged through SLF4J inside the framework (our
 * bundles, the interpolation plugin, GreenMail) goes to this file via slf4j-simple
 * ({@code org.slf4j.simpleLogger.logFile}, set by {@link ContainerSetup}).
 */
public final class LogFile {

    private LogFile() {
    }

    public static Path path() {
        String file = System.getProperty("org.slf4j.simpleLogger.logFile");
        if (file == null) {
            throw new IllegalStateException("org.slf4j.simpleLogger.logFile is not set: is this running in the container ContainerSetup made?");
        }
        return Path.of(file);
    }

    public static String read() {
        try {
            Path path = path();
            return Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> lines() {
        return List.of(read().split("\r?\n"));
    }

    /**
     * Fails if the log contains any of the secrets, in clear or in the encodings an SMTP trace
     * would carry them: base64 of the secret (AUTH LOGIN), and base64 of
     * {@code NUL user NUL secret} (AUTH PLAIN).
     */
    public static void assertContainsNone(Collection<String> secrets, Collection<String> users) {
        Map<String, String> forms = new LinkedHashMap<>();
        Base64.Encoder b64 = Base64.getEncoder();
        for (String secret : secrets) {
            if (secret == null || secret.isEmpty()) {
                continue;
            }
            forms.put(secret, "a secret in clear text");
            forms.put(b64.encodeToString(secret.getBytes(StandardCharsets.UTF_8)), "a secret in base64 (AUTH LOGIN)");
            for (String user : users) {
                forms.put(b64.encodeToString(("\0" + user + "\0" + secret).getBytes(StandardCharsets.UTF_8)),
                        "a secret in an AUTH PLAIN response");
            }
        }
        List<String> found = new ArrayList<>();
        List<String> lines = lines();
        for (int i = 0; i < lines.size(); i++) {
            for (Map.Entry<String, String> form : forms.entrySet()) {
                if (lines.get(i).contains(form.getKey())) {
                    // the line number and what was found, never the secret itself
                    found.add("line " + (i + 1) + ": " + form.getValue());
                }
            }
        }
        if (!found.isEmpty()) {
            throw new AssertionError("The log " + path() + " contains secrets: " + found);
        }
    }
}
