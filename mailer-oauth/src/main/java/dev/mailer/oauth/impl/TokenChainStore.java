package dev.mailer.oauth.impl;

import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.locks.Lock;

import dev.mailer.api.oauth.TokenStatus.RefreshTokenSource;
import dev.mailer.commons.crypto.SecretCipher;

/**
 * Where the refresh token chain of the {@code refresh_token} grant is kept: the successor a server
 * rotated to, or the token a sign-in obtained, which supersedes the configured one. Either a file in
 * the bundle data area, per instance ({@link RefreshTokenStore}), or a node in the repository that
 * every instance of a cluster shares ({@link RepositoryTokenStore}).
 *
 * <p>Entries are keyed by {@link RefreshTokenStore#keyOf} (client, token endpoint and configured
 * token), so that a newly configured token wins and another app registration never gets a token.
 * Implementations are thread-safe.
 */
interface TokenChainStore {

    /**
     * The token stored for {@code key}, or null when none is.
     *
     * @throws IOException when it cannot be read; {@link dev.mailer.commons.crypto.CipherException}: decrypted
     */
    RefreshTokenStore.Stored get(String key) throws IOException;

    /** Keeps {@code refreshToken} for {@code key}, replacing whatever was stored. */
    void put(String key, String refreshToken, RefreshTokenSource source, Instant savedAt) throws IOException;

    /**
     * Stores {@code successor}, issued for {@code sent}, unless a token other than {@code sent} is
     * stored for {@code key} by now (that one is newer and kept): a compare-and-swap.
     *
     * @return false when the stored token was kept
     */
    boolean replace(String key, String sent, String successor, Instant savedAt) throws IOException;

    /**
     * Held while a token is requested for {@code key}, by everybody who uses the same chain: a refresh
     * token the server rotates is sent once only. Reentrant.
     */
    Lock renewal(String key);

    /** Encrypts what is written from now on, and decrypts what is read. */
    void useCipher(SecretCipher cipher);

    /** Where the chain is kept, for messages. */
    Location location();

    /**
     * An access token another user of the chain obtained (another instance of a cluster) and left for
     * the others; null when there is none, or the store keeps none. Read under {@link #renewal}.
     */
    default AccessToken sharedAccessToken(String key) throws IOException {
        return null;
    }

    /** Leaves {@code token}, just obtained under {@link #renewal}, for the other users of the chain. */
    default void shareAccessToken(String key, AccessToken token) throws IOException {
    }

    /** Where a chain is kept: a file, a repository path, or memory only. Immutable. */
    final class Location {
        enum Kind { FILE, REPOSITORY, MEMORY }

        final Kind kind;
        /** The file or repository path; null in memory. */
        final String path;
        /** The repository's service user; null for a file. */
        final String serviceUser;

        Location(Kind kind, String path, String serviceUser) {
            this.kind = kind;
            this.path = path;
            this.serviceUser = serviceUser;
        }

        boolean persistent() {
            return kind != Kind.MEMORY;
        }

        @Override
        public String toString() {
            switch (kind) {
                case FILE:
                    return path;
                case REPOSITORY:
                    return "the repository at " + path;
                default:
                    return "memory (no persistent data area: until a restart)";
            }
        }
    }
}
