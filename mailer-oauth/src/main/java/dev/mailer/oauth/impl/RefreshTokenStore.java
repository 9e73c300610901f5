package dev.mailer.oauth.impl;

import dev.mailer.commons.crypto.CipherException;
import dev.mailer.commons.crypto.SecretCipher;
import dev.mailer.commons.crypto.SecretCiphers;
import dev.mailer.commons.file.DurableFile;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * its owner only, read again on every {@link #get} (another process may have rotated the token),
 * and replaced as a {@link DurableFile}, so that a crash or a power loss leaves the old or the new
 * token, never half of one or none.
 *
 * <p>With a CryptoService ({@link #useCipher}) the token is written encrypted
 * ({@value #REFRESH_TOKEN_ENCRYPTED}); a file written without one ({@value #REFRESH_TOKEN}) still
 * reads, and the next write encrypts it. A token that cannot be decrypted (no CryptoService, another
 * key) makes {@link #get} for its settings fail like an unreadable file: the configured token is not
 * sent instead; the key it belongs to is in clear, so that a newly configured token still wins.
 *
 * <p>Thread-safe. One instance per file in this JVM ({@link RefreshTokenStores}), shared by every
 * configuration and component instance, so that its {@link #renewal() lock} keeps a refresh token
 * from being sent twice.
 */
final class RefreshTokenStore implements TokenChainStore {

    private static final Logger LOG = LoggerFactory.getLogger(RefreshTokenStore.class);

    private static final String KEY = "key.sha256";
    private static final String SOURCE = "source";
    private static final String SAVED = "saved";
    private static final String REFRESH_TOKEN = "refresh_token";
    private static final String REFRESH_TOKEN_ENCRYPTED = "refresh_token.encrypted";

    private final Path file;
    private final DurableFile durable;
    private final ReentrantLock renewal = new ReentrantLock();

    // guarded by this: the token last read or written, and whether it is newer than the file (a write failed)
    private Stored latest;
    private boolean unsaved;
    /** Encrypts what is written and decrypts what is read; guarded by this. */
    private SecretCipher cipher = SecretCiphers.none();

    /** @param file where to keep the token; null keeps it in memory only (no persistent storage available) */
    RefreshTokenStore(Path file) {
        this(file, DurableFile.Sync.DISK);
    }

    RefreshTokenStore(Path file, DurableFile.Sync sync) {
        this.file = file;
        this.durable = file == null ? null : new DurableFile(file, sync);
    }

    /**
     * The key a stored token belongs to. A separator that cannot occur in a URL or client ID keeps
     * different combinations apart; the configured token is part of it so that a new one wins.
     */
    static String keyOf(OAuthSettings settings) {
        return sha256(settings.clientId + '\n' + settings.tokenUrl + '\n' + (settings.refreshToken == null ? "" : settings.refreshToken));
    }

    /**
     * Encrypts what is written from now on and decrypts what is read: the cipher of the component
     * instance that activated last, which all share the store (their configuration selects the same
     * CryptoService, and one that comes or goes activates them anew).
     */
    @Override
    public synchronized void useCipher(SecretCipher cipher) {
        this.cipher = cipher;
    }

    /**
     * Writes the stored token again, encrypted with {@code with}'s current key (read with it, its
     * previous key, or unencrypted); a token that could not be written before is written now.
     *
     * @return false when no token is stored
     * @throws IOException when it cannot be read ({@link dev.mailer.commons.crypto.CipherException}:
     *         decrypted) or written; it is left as it was
     */
    synchronized boolean reseal(SecretCipher with) throws IOException {
        Stored stored = unsaved ? latest : file == null ? null : read(with);
        if (stored == null || file == null) {
            return false;
        }
        stored.checkReadable();
        write(stored, with);
        unsaved = false;
        return true;
    }

    /**
     * Held while a token is requested with what this store holds, by every configuration and
     * component instance that uses it: a refresh token the server rotates is sent once only.
     */
    ReentrantLock renewal() {
        return renewal;
    }

    /** {@link #renewal()}: one lock for every key, as one file holds one token. */
    @Override
    public ReentrantLock renewal(String key) {
        return renewal;
    }

    /**
     * The token stored for {@code key}, or null when none is, or it belongs to other settings.
     *
     * @throws CipherException when the token stored for {@code key} cannot be decrypted
     */
    @Override
    public synchronized Stored get(String key) throws IOException {
        Stored stored = current();
        if (stored == null || !stored.key.equals(key)) {
            return null;
        }
        stored.checkReadable();
        return stored;
    }

    /**
     * Keeps {@code refreshToken} for {@code key}, replacing whatever was stored. When the file cannot
     * be written the token is still kept in memory, until a restart.
     */
    @Override
    public synchronized void put(String key, String refreshToken, RefreshTokenSource source, Instant savedAt) throws IOException {
        save(new Stored(key, refreshToken, source, savedAt));
    }

    /**
     * Stores {@code successor}, which the server issued for {@code sent}, unless a token other than
     * {@code sent} is stored for {@code key} by now (another process, or a sign-in, was faster): that
     * one is newer and is kept. A compare-and-swap on the file, so that a newer token is never
     * replaced by an older line of succession.
     *
     * @return false when the stored token was kept
     * @throws IOException when the successor cannot be written (it is kept in memory, until a restart)
     */
    @Override
    public synchronized boolean replace(String key, String sent, String successor, Instant savedAt) throws IOException {
        Stored stored;
        try {
            stored = current();
        } catch (IOException e) {
            stored = null; // unreadable: the successor is the one token known to be good
        }
        if (stored != null && stored.key.equals(key) && stored.undecryptable == null && !stored.token.equals(sent)) {
            return false;
        }
        save(new Stored(key, successor, RefreshTokenSource.ROTATED, savedAt));
        return true;
    }

    /** The file; null when nothing is persisted. */
    Path file() {
        return file;
    }

    @Override
    public Location location() {
        return file == null ? new Location(Location.Kind.MEMORY, null, null) : new Location(Location.Kind.FILE, file.toString(), null);
    }

    /**
     * What the file holds now (also a token it cannot decrypt: the key changed, so the file may hold a
     * newer one than this JVM knows), unless a token that could not be written is newer; what was read
     * last when it cannot be read.
     */
    private Stored current() throws IOException {
        if (file != null && !unsaved) {
            try {
                latest = read(cipher);
            } catch (IOException e) {
                if (latest == null) {
                    throw e;
                }
                LOG.warn("Cannot read the stored refresh token {} ({}); using the one read from it before", file, e.toString());
            }
        }
        return latest;
    }

    private void save(Stored entry) throws IOException {
        latest = entry;
        if (file != null) {
            unsaved = true;
            write(entry, cipher);
            unsaved = false;
        }
    }

    private Stored read(SecretCipher with) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        String key = properties.getProperty(KEY);
        RefreshTokenSource source = source(properties.getProperty(SOURCE));
        Instant savedAt = savedAt(properties.getProperty(SAVED));
        String encrypted = properties.getProperty(REFRESH_TOKEN_ENCRYPTED);
        String token = properties.getProperty(REFRESH_TOKEN);
        if (key != null && encrypted != null) {
            try {
                token = with.decrypt(encrypted);
            } catch (CipherException e) {
                return new Stored(key, source, savedAt, e.getMessage());
            }
        }
        if (key == null || token == null || token.isBlank()) {
            return null; // an older format, or damaged: the configured token applies
        }
        return new Stored(key, token, source, savedAt);
    }

    private void write(Stored entry, SecretCipher with) throws IOException {
        Properties properties = new Properties();
        properties.setProperty(KEY, entry.key);
        properties.setProperty(SOURCE, entry.source.name());
        properties.setProperty(SAVED, entry.savedAt.toString());
        if (with.isPresent()) {
            properties.setProperty(REFRESH_TOKEN_ENCRYPTED, with.encrypt(entry.token));
        } else {
            properties.setProperty(REFRESH_TOKEN, entry.token);
        }
        String how = with.isPresent() ? ", encrypted with the CryptoService " + with.target() : ", unencrypted";
        durable.replace(out -> properties.store(out, "OAuth2 refresh token of the mailer (" + entry.source + how
                + "). Secret: do not share or copy."));
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
        return String.format("%064x", new BigInteger(1, Sha256.of(value.getBytes(StandardCharsets.UTF_8))));
    }

    /** A stored refresh token with where it came from. Immutable; {@link #toString()} hides the token. */
    static final class Stored {
        final String key;
        final String token;
        final RefreshTokenSource source;
        final Instant savedAt;
        /** Why the token cannot be decrypted ({@link CipherException}'s text), null when it could: then token is null. */
        final String undecryptable;

        Stored(String key, String token, RefreshTokenSource source, Instant savedAt) {
            this(key, token, source, savedAt, null);
        }

        /** A token that is there for {@code key} but cannot be decrypted. */
        Stored(String key, RefreshTokenSource source, Instant savedAt, String undecryptable) {
            this(key, null, source, savedAt, undecryptable);
        }

        private Stored(String key, String token, RefreshTokenSource source, Instant savedAt, String undecryptable) {
            this.key = key;
            this.token = token;
            this.source = source;
            this.savedAt = savedAt;
            this.undecryptable = undecryptable;
        }

        void checkReadable() throws CipherException {
            if (undecryptable != null) {
                throw new CipherException(undecryptable);
            }
        }

        @Override
        public String toString() {
            return "StoredRefreshToken[source=" + source + ", saved=" + savedAt + "]";
        }
    }
}
