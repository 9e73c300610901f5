package dev.mailer.oauth.impl;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.MailException;

/**
 * The access token lifecycle: cached with its expiry, renewed ahead of it, one token request at
 * a time however many threads ask, a rotated refresh token kept, and after a failed request a
 * back-off during which a still-valid token keeps being used and callers get the last error.
 */
final class AccessTokens {

    private static final Logger LOG = LoggerFactory.getLogger(AccessTokens.class);

    /** When the server gives no expires_in: assume an hour, as the big providers issue. */
    static final long DEFAULT_LIFETIME_SECONDS = 3600;
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    private final OAuthSettings settings;
    private final TokenEndpoint endpoint;
    private final RefreshTokenStore store;
    private final Clock clock;

    private final ReentrantLock renewal = new ReentrantLock();
    private final AtomicReference<Token> current = new AtomicReference<>();

    // guarded by renewal
    private String refreshToken;
    private Duration backoff = Duration.ZERO;
    private Instant nextAttempt = Instant.MIN;
    private MailException lastFailure;

    AccessTokens(OAuthSettings settings, TokenEndpoint endpoint, RefreshTokenStore store, Clock clock) {
        this.settings = settings;
        this.endpoint = endpoint;
        this.store = store;
        this.clock = clock;
    }

    /** The current token, renewed first when it is due. */
    String get() throws MailException {
        Token token = current.get();
        if (token != null && clock.instant().isBefore(token.renewAt)) {
            return token.value;
        }
        renewal.lock();
        try {
            // another thread may have renewed it while this one waited
            token = current.get();
            Instant now = clock.instant();
            if (token != null && now.isBefore(token.renewAt)) {
                return token.value;
            }
            if (now.isBefore(nextAttempt)) {
                if (token != null && now.isBefore(token.expiresAt)) {
                    return token.value;
                }
                throw lastFailure;
            }
            return renew(token, now);
        } finally {
            renewal.unlock();
        }
    }

    /** Forgets {@code rejected} if it is still the current token. */
    void invalidate(String rejected) {
        Token token = current.get();
        if (token != null && token.value.equals(rejected) && current.compareAndSet(token, null)) {
            LOG.info("Dropped the access token the mail server refused; the next send obtains a new one");
        }
    }

    private String renew(Token previous, Instant requestedAt) throws MailException {
        try {
            TokenResponse response = request();
            long lifetime = response.expiresIn == null || response.expiresIn <= 0 ? DEFAULT_LIFETIME_SECONDS : response.expiresIn;
            // renew ahead of expiry, but never so early that a short-lived token is renewed on every use
            long skew = Math.min(settings.renewBeforeExpirySeconds, lifetime / 2);
            Instant expiresAt = requestedAt.plusSeconds(lifetime);
            current.set(new Token(response.accessToken, expiresAt, expiresAt.minusSeconds(skew)));
            backoff = Duration.ZERO;
            nextAttempt = Instant.MIN;
            lastFailure = null;
            LOG.info("Obtained an OAuth2 access token ({} grant), valid until {}{}", settings.grantType, expiresAt,
                    response.scope == null ? "" : ", scopes " + response.scope);
            return response.accessToken;
        } catch (TokenEndpointException e) {
            lastFailure = OAuthFailures.toMailException(e, settings);
            backoff = backoff.isZero() ? FIRST_BACKOFF : min(backoff.multipliedBy(2), MAX_BACKOFF);
            nextAttempt = requestedAt.plus(backoff);
            if (previous != null && requestedAt.isBefore(previous.expiresAt)) {
                LOG.warn("Renewing the OAuth2 access token failed; using the current one until {}: {}", previous.expiresAt,
                        lastFailure.getMessage());
                return previous.value;
            }
            LOG.error(lastFailure.getMessage());
            throw lastFailure;
        }
    }

    private TokenResponse request() throws TokenEndpointException {
        if (!OAuthSettings.GRANT_REFRESH_TOKEN.equals(settings.grantType)) {
            return endpoint.clientCredentials();
        }
        if (refreshToken == null) {
            try {
                refreshToken = store.current(settings.refreshToken);
            } catch (IOException e) {
                LOG.warn("Cannot read the stored refresh token {} ({}); using the configured one", store.file(), e.toString());
                refreshToken = settings.refreshToken;
            }
        }
        TokenResponse response = endpoint.refresh(refreshToken);
        if (response.refreshToken != null && !response.refreshToken.equals(refreshToken)) {
            // the server rotated it: the old one must never be sent again
            refreshToken = response.refreshToken;
            try {
                store.save(settings.refreshToken, response.refreshToken);
            } catch (IOException e) {
                LOG.error("Cannot store the rotated refresh token in {} ({}); it is kept in memory until a restart, after which"
                        + " the configured refresh token is used again", store.file(), e.toString());
            }
        }
        return response;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** An access token and its times. Immutable. */
    private static final class Token {
        final String value;
        final Instant expiresAt;
        final Instant renewAt;

        Token(String value, Instant expiresAt, Instant renewAt) {
            this.value = value;
            this.expiresAt = expiresAt;
            this.renewAt = renewAt;
        }

        @Override
        public String toString() {
            return "Token[expiresAt=" + expiresAt + "]";
        }
    }
}
