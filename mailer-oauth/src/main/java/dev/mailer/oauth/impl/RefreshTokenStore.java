package dev.mailer.oauth.impl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Properties;

import dev.mailer.api.oauth.TokenStatus.RefreshTokenSource;

/**
 * Keeps the one refresh token that supersedes the configured one: the successor a server issued
 * when it rotated the token ({@link RefreshTokenSource#ROTATED}; some servers revoke the whole
 * grant when an already exchanged refresh token comes back), or one the authorization flows
 * obtained ({@link RefreshTokenSource#AUTHORIZED}). It is used from then on, also after a restart.
 *
 * <p>The stored token is tied by a hash to the settings it belongs to ({@link #keyOf}: client,
 * token endpoint and configured refresh token), and only returned for that key: a newly configured
 * refresh token wins over it, and another app registration never gets it. The file is readable by
 * its owner only and replaced atomically, so a crash leaves the old or the new token, never half of
 * one. Thread-safe; one instance per file, shared by the successive configurations of a component.
 */
final class RefreshTokenStore {

    private static final String KEY = "key.sha256";
    private static final String SOURCE = "source";
    private static final String SAVED = "saved";
    private static final String REFRESH_TOKEN = "refresh_token";

    private final Path file;

    // guarded by this: the file's content once read, so that it is read once and a token that could not be written survives
    private boolean loaded;
    private Stored stored;

    /** @param file where to keep the token; null keeps it in memory only (no persistent storage available) */
    RefreshTokenStore(Path file) {
        this.file = file;
    }

    /**
     * The key a stored token belongs to. A separator that cannot occur in a URL or client ID keeps
     * different combinations apart; the configured token is part of it so that a new one wins.
     */
    static String keyOf(OAuthSettings settings) {
        return sha256(settings.clientId + '\n' + settings.tokenUrl + '\n' + (settings.refreshToken == null ? "" : settings.refreshToken));
    }

    /** The token stored for {@code key}, or null when none is, or it belongs to other settings. */
    synchronized Stored get(String key) throws IOException {
        if (!loaded) {
            stored = read();
            loaded = true;
        }
        return stored != null && stored.key.equals(key) ? stored : null;
    }

    /**
     * Keeps {@code refreshToken} for {@code key}, replacing whatever was stored. When the file cannot
     * be written the token is still kept in memory, until a restart.
     */
    synchronized void put(String key, String refreshToken, RefreshTokenSource source, Instant savedAt) throws IOException {
        stored = new Stored(key, refreshToken, source, savedAt);
        loaded = true;
        if (file != null) {
            write(stored);
        }
    }

    /** The file, for messages; null when nothing is persisted. */
    Path file() {
        return file;
    }

    private Stored read() throws IOException {
        if (file == null || !Files.exists(file)) {
            return null;
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        String key = properties.getProperty(KEY);
        String token = properties.getProperty(REFRESH_TOKEN);
        if (key == null || token == null || token.isBlank()) {
            return null; // an older format, or damaged: the configured token applies
        }
        return new Stored(key, token, source(properties.getProperty(SOURCE)), savedAt(properties.getProperty(SAVED)));
    }

    private void write(Stored entry) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(temp); // not a POSIX file system: the data area's own permissions apply
        }
        Properties properties = new Properties();
        properties.setProperty(KEY, entry.key);
        properties.setProperty(SOURCE, entry.source.name());
        properties.setProperty(SAVED, entry.savedAt.toString());
        properties.setProperty(REFRESH_TOKEN, entry.token);
        try (OutputStream out = Files.newOutputStream(temp)) {
            properties.store(out, "OAuth2 refresh token of the mailer (" + entry.source + "). Secret: do not share or copy.");
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Only a successor or an authorized token is ever stored; anything else read back is taken as a successor. */
    private static RefreshTokenSource source(String name) {
        return RefreshTokenSource.AUTHORIZED.name().equals(name) ? RefreshTokenSource.AUTHORIZED : RefreshTokenSource.ROTATED;
    }

    private static Instant savedAt(String value) {
        try {
            return value == null ? Instant.EPOCH : Instant.parse(value);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    private static String sha256(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return String.format("%064x", new BigInteger(1, digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A stored refresh token with where it came from. Immutable; {@link #toString()} hides the token. */
    static final class Stored {
        final String key;
        final String token;
        final RefreshTokenSource source;
        final Instant savedAt;

        Stored(String key, String token, RefreshTokenSource source, Instant savedAt) {
            this.key = key;
            this.token = token;
            this.source = source;
            this.savedAt = savedAt;
        }

        @Override
        public String toString() {
            return "StoredRefreshToken[source=" + source + ", saved=" + savedAt + "]";
        }
    }
}
