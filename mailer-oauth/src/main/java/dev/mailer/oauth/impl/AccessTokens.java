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
import dev.mailer.api.oauth.TokenStatus;
import dev.mailer.api.oauth.TokenStatus.RefreshTokenSource;
import dev.mailer.commons.metrics.MetricNames;
import dev.mailer.commons.metrics.Metrics;

/**
 * The access token lifecycle: cached with its expiry, renewed ahead of it, one token request at
 * a time however many threads ask, a rotated or authorized refresh token kept, and after a failed
 * request a back-off during which a still-valid token keeps being used and callers get the last
 * error.
 *
 * <p>Token requests are serialized by the lock of the {@link RefreshTokenStore}, which every
 * configuration and component instance on the same file shares: a new configuration's instance
 * never sends a refresh token that an older one is exchanging. While one caller renews a token that
 * is due but still valid, the others go on with it; only callers without a valid token wait.
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
    private final String storeKey;
    private final boolean usesRefreshToken;
    private final Clock clock;
    /** Counts renewals and failed token requests. */
    private final Metrics metrics;

    private final ReentrantLock renewal;
    private final AtomicReference<Token> current = new AtomicReference<>();
    // written under renewal, read without it by status(): a status never waits for a token request
    private volatile Token lastObtained;
    private volatile Failure lastFailure;

    // guarded by renewal
    private Duration backoff = Duration.ZERO;
    private Instant nextAttempt = Instant.MIN;

    AccessTokens(OAuthSettings settings, TokenEndpoint endpoint, RefreshTokenStore store, Clock clock) {
        this(settings, endpoint, store, clock, new Metrics());
    }

    AccessTokens(OAuthSettings settings, TokenEndpoint endpoint, RefreshTokenStore store, Clock clock, Metrics metrics) {
        this.metrics = metrics;
        this.settings = settings;
        this.endpoint = endpoint;
        this.store = store;
        this.storeKey = RefreshTokenStore.keyOf(settings);
        this.usesRefreshToken = OAuthSettings.GRANT_REFRESH_TOKEN.equals(settings.grantType);
        this.clock = clock;
        this.renewal = store.renewal();
    }

    /** The current token, renewed first when it is due. */
    String get() throws MailException {
        Token token = current.get();
        Instant now = clock.instant();
        if (token != null && now.isBefore(token.renewAt)) {
            return token.value;
        }
        if (token != null && now.isBefore(token.expiresAt)) {
            // due but still valid: whoever gets the lock renews it, everybody else goes on with it
            if (!renewal.tryLock()) {
                return token.value;
            }
        } else {
            renewal.lock();
        }
        try {
            return renewIfDue();
        } finally {
            renewal.unlock();
        }
    }

    /** Under the lock: renews the token unless another thread has just done so, or a back-off holds. */
    private String renewIfDue() throws MailException {
        Token token = current.get();
        Instant now = clock.instant();
        if (token != null && now.isBefore(token.renewAt)) {
            return token.value;
        }
        if (now.isBefore(nextAttempt)) {
            if (token != null && now.isBefore(token.expiresAt)) {
                return token.value;
            }
            throw lastFailure.exception;
        }
        return renew(token, now);
    }

    /** Forgets {@code rejected} if it is still the current token. */
    void invalidate(String rejected) {
        Token token = current.get();
        if (token != null && token.value.equals(rejected) && current.compareAndSet(token, null)) {
            LOG.info("Dropped the access token the mail server refused; the next send obtains a new one");
        }
    }

    /**
     * Takes the tokens an authorization flow obtained: stores the refresh token as
     * {@link RefreshTokenSource#AUTHORIZED} for these settings and caches the access token, so the
     * next send needs no token request.
     *
     * @throws MailException when the response has no refresh token (nothing is taken), or it
     *         cannot be stored (it is then used until a restart only)
     */
    TokenStatus authorized(TokenResponse response, Instant requestedAt) throws MailException {
        if (response.refreshToken == null || response.refreshToken.isBlank()) {
            throw OAuthFailures.noRefreshTokenIssued();
        }
        renewal.lock();
        try {
            accept(response, requestedAt, "sign-in");
            try {
                store.put(storeKey, response.refreshToken, RefreshTokenSource.AUTHORIZED, requestedAt);
            } catch (IOException e) {
                throw OAuthFailures.authorizedButNotStored(store.file(), e);
            }
            LOG.info("Stored the authorized refresh token in {}; it is used from now on{}", store.file() == null
                    ? "memory (no persistent data area: until a restart)" : store.file(),
                    settings.refreshToken == null ? "" : ", instead of the configured one, until refreshToken is changed");
        } finally {
            renewal.unlock();
        }
        return status();
    }

    /** What is known now, without contacting the token endpoint. */
    TokenStatus status() {
        Token token = current.get();
        Token obtained = lastObtained;
        Failure failure = lastFailure;
        TokenStatus.Builder status = TokenStatus.builder()
                .grantType(settings.grantType)
                .clientId(settings.clientId)
                .tokenUrl(settings.tokenUrl.toString())
                .requestedScopes(settings.scopes)
                .refreshTokenSource(refreshTokenSource());
        if (token != null) {
            status.expiresAt(token.expiresAt);
        }
        if (obtained != null) {
            status.lastRenewal(obtained.obtainedAt).grantedScopes(obtained.scope);
        }
        if (failure != null) {
            status.lastError(failure.exception.getMessage(), failure.at);
        }
        return status.build();
    }

    /** Seconds until the cached access token expires; 0 when none is cached or it has expired. Never waits. */
    long secondsToExpiry() {
        Token token = current.get();
        return token == null ? 0 : Math.max(0, Duration.between(clock.instant(), token.expiresAt).getSeconds());
    }

    private RefreshTokenSource refreshTokenSource() {
        if (!usesRefreshToken) {
            return RefreshTokenSource.NOT_USED;
        }
        RefreshTokenStore.Stored stored = stored();
        return stored != null ? stored.source : settings.refreshToken != null ? RefreshTokenSource.CONFIGURED : RefreshTokenSource.NONE;
    }

    private String renew(Token previous, Instant requestedAt) throws MailException {
        String refreshToken = null;
        if (usesRefreshToken) {
            try {
                refreshToken = refreshToken();
            } catch (IOException e) {
                return failed(OAuthFailures.storedRefreshTokenUnreadable(store.file(), e), previous, requestedAt);
            }
            if (refreshToken == null) {
                return failed(OAuthFailures.noRefreshToken(), previous, requestedAt);
            }
        }
        try {
            Token token = accept(usesRefreshToken ? refresh(refreshToken) : endpoint.clientCredentials(), requestedAt,
                    settings.grantType + " grant");
            metrics.increment(MetricNames.TOKEN_RENEWALS);
            return token.value;
        } catch (TokenEndpointException e) {
            return failed(OAuthFailures.toMailException(e, settings), previous, requestedAt);
        }
    }

    /** Caches the access token of {@code response} and ends any back-off. */
    private Token accept(TokenResponse response, Instant requestedAt, String how) {
        long lifetime = response.expiresIn == null || response.expiresIn <= 0 ? DEFAULT_LIFETIME_SECONDS : response.expiresIn;
        // renew ahead of expiry, but never so early that a short-lived token is renewed on every use
        long skew = Math.min(settings.renewBeforeExpirySeconds, lifetime / 2);
        Instant expiresAt = requestedAt.plusSeconds(lifetime);
        Token token = new Token(response.accessToken, requestedAt, expiresAt, expiresAt.minusSeconds(skew), response.scope);
        current.set(token);
        lastObtained = token;
        lastFailure = null;
        backoff = Duration.ZERO;
        nextAttempt = Instant.MIN;
        LOG.info("Obtained an OAuth2 access token ({}), valid until {}{}", how, expiresAt,
                response.scope == null ? "" : ", scopes " + response.scope);
        return token;
    }

    /** Records {@code failure} and backs off; answers with {@code previous} while it is still valid. */
    private String failed(MailException failure, Token previous, Instant requestedAt) throws MailException {
        metrics.increment(MetricNames.TOKEN_FAILURES);
        lastFailure = new Failure(failure, requestedAt);
        backoff = backoff.isZero() ? FIRST_BACKOFF : min(backoff.multipliedBy(2), MAX_BACKOFF);
        nextAttempt = requestedAt.plus(backoff);
        if (previous != null && requestedAt.isBefore(previous.expiresAt)) {
            LOG.warn("Renewing the OAuth2 access token failed; using the current one until {}: {}", previous.expiresAt,
                    failure.getMessage());
            return previous.value;
        }
        LOG.error(failure.getMessage());
        throw failure;
    }

    /**
     * The refresh token to send: the one stored for these settings, else the configured one; null
     * when there is neither. Read from the store on every refresh, under its lock, rather than kept
     * here: the store is shared with the authorization flows, with other configurations and
     * instances of the component, and its file with other processes, and any of them may have
     * rotated the token since.
     *
     * @throws IOException when a stored token exists but cannot be read: the configured one may
     *         have been exchanged already, so it must not be sent instead
     */
    private String refreshToken() throws IOException {
        RefreshTokenStore.Stored stored = store.get(storeKey);
        return stored != null ? stored.token : settings.refreshToken;
    }

    private TokenResponse refresh(String refreshToken) throws TokenEndpointException {
        // the server rotated it: the old one must never be sent again, whatever else the answer holds
        return endpoint.refresh(refreshToken, successor -> keepRotated(refreshToken, successor));
    }

    private void keepRotated(String sent, String successor) {
        try {
            if (!store.replace(storeKey, sent, successor, clock.instant())) {
                LOG.warn("The token endpoint rotated the refresh token, but {} holds a newer one by now (from another process or"
                        + " a sign-in); keeping that one", store.file());
            }
        } catch (IOException e) {
            LOG.error("Cannot store the rotated refresh token in {} ({}); it is kept in memory until a restart, after which"
                    + " the configured refresh token, if any, is used again", store.file(), e.toString());
        }
    }

    private RefreshTokenStore.Stored stored() {
        try {
            return store.get(storeKey);
        } catch (IOException e) {
            LOG.warn("Cannot read the stored refresh token {} ({}); using the configured one", store.file(), e.toString());
            return null;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** An access token and its times. Immutable. */
    private static final class Token {
        final String value;
        final Instant obtainedAt;
        final Instant expiresAt;
        final Instant renewAt;
        /** The scopes the server said it granted, or null. */
        final String scope;

        Token(String value, Instant obtainedAt, Instant expiresAt, Instant renewAt, String scope) {
            this.value = value;
            this.obtainedAt = obtainedAt;
            this.expiresAt = expiresAt;
            this.renewAt = renewAt;
            this.scope = scope;
        }

        @Override
        public String toString() {
            return "Token[expiresAt=" + expiresAt + "]";
        }
    }

    /** The last failure to obtain a token and when it happened. Immutable, so a status never mixes two failures. */
    private static final class Failure {
        final MailException exception;
        final Instant at;

        Failure(MailException exception, Instant at) {
            this.exception = exception;
            this.at = at;
        }
    }
}
