package dev.mailer.oauth.impl;

import java.io.IOException;
import java.math.BigInteger;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Properties;

/**
 * Keeps the refresh token a server rotated, so that it is used from then on, also after a
 * restart: some servers revoke the whole grant when an already exchanged refresh token comes back.
 *
 * <p>The stored token is tied to the configured one by its hash: when an admin configures a new
 * refresh token (re-authorization), the configured value wins and the stored one is forgotten.
 * The file is readable by its owner only and replaced atomically, so a crash leaves the old or the
 * new token, never half of one.
 */
final class RefreshTokenStore {

    private static final String CONFIGURED_HASH = "configured.sha256";
    private static final String REFRESH_TOKEN = "refresh_token";

    private final Path file;

    /** @param file where to keep the token; null keeps nothing (no persistent storage available) */
    RefreshTokenStore(Path file) {
        this.file = file;
    }

    /** The refresh token to use: the stored rotation of {@code configured}, or {@code configured} itself. */
    String current(String configured) throws IOException {
        if (file == null || !Files.exists(file)) {
            return configured;
        }
        Properties stored = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            stored.load(in);
        }
        String token = stored.getProperty(REFRESH_TOKEN);
        return token != null && sha256(configured).equals(stored.getProperty(CONFIGURED_HASH)) ? token : configured;
    }

    /** Remembers {@code rotated} as the successor of the {@code configured} refresh token. */
    void save(String configured, String rotated) throws IOException {
        if (file == null) {
            return;
        }
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(temp); // not a POSIX file system: the data area's own permissions apply
        }
        Properties stored = new Properties();
        stored.setProperty(CONFIGURED_HASH, sha256(configured));
        stored.setProperty(REFRESH_TOKEN, rotated);
        try (OutputStream out = Files.newOutputStream(temp)) {
            stored.store(out, "Rotated OAuth2 refresh token. Secret: do not share or copy.");
            out.flush();
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    Path file() {
        return file;
    }

    private static String sha256(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(String.valueOf(value).getBytes(StandardCharsets.UTF_8));
            return String.format("%064x", new BigInteger(1, digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
