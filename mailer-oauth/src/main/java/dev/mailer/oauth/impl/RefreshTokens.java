package dev.mailer.oauth.impl;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.MailException;
import dev.mailer.api.oauth.TokenStatus.RefreshTokenSource;

/**
 * The refresh token side of {@link AccessTokens} for one configuration: which refresh token to send
 * (the one stored for these settings, else the configured one), and keeping the successor a server
 * rotated to or the one a sign-in obtained in the {@link TokenChainStore}. Exchanges and sign-ins
 * run under the store's renewal lock (held by {@link AccessTokens}); reading the source does not.
 */
final class RefreshTokens {

    private static final Logger LOG = LoggerFactory.getLogger(RefreshTokens.class);

    private final OAuthSettings settings;
    private final TokenChainStore store;
    private final String storeKey;
    private final Clock clock;

    RefreshTokens(OAuthSettings settings, TokenChainStore store, Clock clock) {
        this.settings = settings;
        this.store = store;
        this.storeKey = RefreshTokenStore.keyOf(settings);
        this.clock = clock;
    }

    /**
     * The refresh token to send: the one stored for these settings, else the configured one. Read from the store on every refresh, under its lock, rather than kept
     * here: the store is shared with the authorization flows, with other configurations and
     * instances of the component, and its file with other processes, and any of them may have
     * rotated the token since.
     *
     * @throws MailException when there is neither, or a stored token exists but cannot be read: the
     *         configured one may have been exchanged already, so it must not be sent instead
     */
    String toSend() throws MailException {
        RefreshTokenStore.Stored stored;
        try {
            stored = store.get(storeKey);
        } catch (IOException e) {
            throw OAuthFailures.storedRefreshTokenUnreadable(store.location(), e);
        }
        String token = stored != null ? stored.token : settings.refreshToken;
        if (token == null) {
            throw OAuthFailures.noRefreshToken();
        }
        return token;
    }

    /** Exchanges {@code refreshToken}; a successor the server rotated to is stored at once. */
    TokenResponse exchange(TokenEndpoint endpoint, String refreshToken) throws TokenEndpointException {
        // the server rotated it: the old one must never be sent again, whatever else the answer holds
        return endpoint.refresh(refreshToken, successor -> keepRotated(refreshToken, successor));
    }

    /** Stores the refresh token a sign-in obtained; it is used from now on. */
    void authorized(String refreshToken, Instant obtainedAt) throws MailException {
        try {
            store.put(storeKey, refreshToken, RefreshTokenSource.AUTHORIZED, obtainedAt);
        } catch (IOException e) {
            throw OAuthFailures.authorizedButNotStored(store.location(), e);
        }
        LOG.info("Stored the authorized refresh token in {}; it is used from now on{}", store.location(),
                settings.refreshToken == null ? "" : ", instead of the configured one, until refreshToken is changed");
    }

    /** The key of these settings' chain in the store. */
    String storeKey() {
        return storeKey;
    }

    /** Where the refresh token in use comes from. */
    RefreshTokenSource source() {
        if (!OAuthSettings.GRANT_REFRESH_TOKEN.equals(settings.grantType)) {
            return RefreshTokenSource.NOT_USED;
        }
        RefreshTokenStore.Stored stored = stored();
        return stored != null ? stored.source : settings.refreshToken != null ? RefreshTokenSource.CONFIGURED : RefreshTokenSource.NONE;
    }

    /** When the stored refresh token was issued (rotated or authorized); null when none is stored for these settings. */
    Instant storedAt() {
        RefreshTokenStore.Stored stored = stored();
        return stored == null ? null : stored.savedAt;
    }

    private void keepRotated(String sent, String successor) {
        try {
            if (!store.replace(storeKey, sent, successor, clock.instant())) {
                LOG.warn("The token endpoint rotated the refresh token, but {} holds a newer one by now (from another process or"
                        + " a sign-in); keeping that one", store.location());
            }
        } catch (IOException e) {
            LOG.error("Cannot store the rotated refresh token in {} ({}); it is kept in memory until a restart, after which"
                    + " the configured refresh token, if any, is used again", store.location(), e.toString());
        }
    }

    private RefreshTokenStore.Stored stored() {
        try {
            return store.get(storeKey);
        } catch (IOException e) {
            LOG.warn("Cannot read the stored refresh token {} ({}); using the configured one", store.location(), e.toString());
            return null;
        }
    }
}
