package dev.mailer.oauth.impl;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;

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
 * <p>AccessToken requests are serialized by the lock of the {@link RefreshTokenStore}, which every
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
    private final RefreshTokens refreshTokens;
    private final boolean usesRefreshToken;
    /** Where tokens come from: the refresh token's exchange, or the source of the other grants. */
    private final TokenSource source;
    private final Clock clock;
    /** Counts renewals and failed token requests. */
    private final Metrics metrics;
    /** Since when these settings are in use: how long the grant has been idle when nothing else is known. */
    private final Instant createdAt;

    private final Lock renewal;
    /** The chain's store: where a token another instance obtained is found. */
    private final TokenChainStore store;
    private final String storeKey;
    /** The token the mail server refused last: never taken from the store again. */
    private volatile String rejected;
    private final AtomicReference<AccessToken> current = new AtomicReference<>();
    // written under renewal, read without it by status(): a status never waits for a token request
    private volatile AccessToken lastObtained;
    private volatile Failure lastFailure;
    // set once a token was handed out or authorized: from then on the upkeep keeps one ready
    private volatile boolean inUse;

    // guarded by renewal
    private Duration backoff = Duration.ZERO;
    private Instant nextAttempt = Instant.MIN;

    AccessTokens(OAuthSettings settings, TokenEndpoint endpoint, TokenChainStore store, Clock clock) {
        this(settings, endpoint, store, clock, new Metrics());
    }

    AccessTokens(OAuthSettings settings, TokenEndpoint endpoint, TokenChainStore store, Clock clock, Metrics metrics) {
        this(settings, endpoint, store, clock, metrics, DeviceCodeFlow.Sleeper.THREAD);
    }

    /** @param sleeper waits between the retries of a token source that retries (managed identity) */
    AccessTokens(OAuthSettings settings, TokenEndpoint endpoint, TokenChainStore store, Clock clock, Metrics metrics,
            DeviceCodeFlow.Sleeper sleeper) {
        this.metrics = metrics;
        this.settings = settings;
        this.endpoint = endpoint;
        this.refreshTokens = new RefreshTokens(settings, store, clock);
        this.usesRefreshToken = OAuthSettings.GRANT_REFRESH_TOKEN.equals(settings.grantType);
        TokenSource grantSource = TokenSource.of(settings, endpoint, clock, sleeper);
        this.source = grantSource != null ? grantSource : () -> refreshTokens.exchange(endpoint, refreshTokens.toSend());
        this.clock = clock;
        this.createdAt = clock.instant();
        this.store = store;
        this.storeKey = refreshTokens.storeKey();
        this.renewal = store.renewal(storeKey);
    }

    /** The current token, renewed first when it is due. */
    String get() throws MailException {
        String token = currentOrRenewed();
        if (!inUse) {
            inUse = true;
        }
        return token;
    }

    private String currentOrRenewed() throws MailException {
        AccessToken token = current.get();
        Instant now = clock.instant();
        if (isFresh(token, now)) {
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
        AccessToken token = current.get();
        Instant now = clock.instant();
        if (isFresh(token, now)) {
            return token.value;
        }
        if (now.isBefore(nextAttempt)) {
            if (token != null && now.isBefore(token.expiresAt)) {
                return token.value;
            }
            throw lastFailure.exception;
        }
        AccessToken shared = adoptShared(now);
        return shared != null ? shared.value : renew(token, now);
    }

    /** True when {@code token} is not due for renewal, nor replaced at its source. */
    private boolean isFresh(AccessToken token, Instant now) {
        return token != null && now.isBefore(token.renewAt) && !source.replaced();
    }

    /** Forgets {@code rejected} if it is still the current token. */
    void invalidate(String rejected) {
        AccessToken token = current.get();
        this.rejected = rejected;
        if (token != null && token.value.equals(rejected) && current.compareAndSet(token, null)) {
            LOG.info("Dropped the access token the mail server refused; the next send obtains a new one");
        }
    }

    /**
     * For the upkeep: renews the token ahead of the sends when it is in use and due before
     * {@code horizon} (or was dropped), so that a send finds a fresh one. Nothing happens for tokens
     * nobody asked for yet, nor during a back-off.
     *
     * @throws MailException when the renewal failed and no valid token is left (logged already)
     */
    void renewIfDueBefore(Instant horizon) throws MailException {
        if (!inUse || !dueBefore(current.get(), horizon)) {
            return;
        }
        renewal.lock();
        try {
            AccessToken token = current.get();
            Instant now = clock.instant();
            if (dueBefore(token, horizon) && !now.isBefore(nextAttempt) && adoptShared(horizon) == null) {
                renew(token, now);
            }
        } finally {
            renewal.unlock();
        }
    }

    private boolean dueBefore(AccessToken token, Instant horizon) {
        return token == null || !horizon.isBefore(token.renewAt) || source.replaced();
    }

    /**
     * For the keep-alive: one token request now, unless the grant was shown to work after
     * {@code idleSince} (by another thread or process meanwhile) or a back-off holds. The token
     * obtained is cached like any other; a rotated refresh token is stored.
     *
     * @return whether a token was obtained
     * @throws MailException when the request failed (recorded for the status, not logged)
     */
    boolean renewIfIdleSince(Instant idleSince) throws MailException {
        renewal.lock();
        try {
            Instant now = clock.instant();
            adoptShared(now);
            if (lastProofOfLife().isAfter(idleSince) || now.isBefore(nextAttempt)) {
                return false;
            }
            obtain(now, "keep-alive, " + settings.grantType + " grant");
            return true;
        } finally {
            renewal.unlock();
        }
    }

    /**
     * When the grant was last known to work: the last token obtained here; else when the stored
     * refresh token was issued (it outlives restarts); else when these settings came into use.
     */
    Instant lastProofOfLife() {
        AccessToken obtained = lastObtained;
        if (obtained != null) {
            return obtained.obtainedAt;
        }
        Instant stored = usesRefreshToken ? refreshTokens.storedAt() : null;
        return stored != null ? stored : createdAt;
    }

    /** True when there is a grant to keep alive: client credentials, or a refresh token configured or stored. */
    boolean hasGrant() {
        return refreshTokens.source() != RefreshTokenSource.NONE;
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
            AccessToken token = accept(response, requestedAt, "sign-in");
            refreshTokens.authorized(response.refreshToken, requestedAt);
            share(token);
            inUse = true;
        } finally {
            renewal.unlock();
        }
        return status();
    }

    String grantType() {
        return settings.grantType;
    }

    /** What is known now, without contacting the token endpoint. */
    TokenStatus status() {
        return statusBuilder().build();
    }

    /** {@link #status()}, for a caller that adds what it knows. */
    TokenStatus.Builder statusBuilder() {
        AccessToken token = current.get();
        AccessToken obtained = lastObtained;
        Failure failure = lastFailure;
        TokenStatus.Builder status = TokenStatus.builder()
                .grantType(settings.grantType)
                .clientId(settings.clientId)
                .tokenUrl(settings.tokenUrl != null ? settings.tokenUrl.toString() : source.location())
                .requestedScopes(settings.resource != null && settings.scopes.isEmpty() ? List.of(settings.resource) : settings.scopes)
                .refreshTokenSource(refreshTokens.source());
        if (token != null) {
            status.expiresAt(token.expiresAt);
        }
        if (obtained != null) {
            status.lastRenewal(obtained.obtainedAt).grantedScopes(obtained.scope);
        }
        String warning = token == null ? null : source.warning(clock.instant());
        if (failure != null) {
            status.lastError(failure.exception.getMessage(), failure.at, !failure.exception.isTransient());
        } else if (warning != null) {
            status.lastError(warning, clock.instant(), false);
        }
        return status;
    }

    /** When {@code value} expires, if it is the cached access token; null otherwise. Never waits. */
    Instant expiryOf(String value) {
        AccessToken token = current.get();
        return token != null && token.value.equals(value) ? token.expiresAt : null;
    }

    /** Seconds until the cached access token expires; 0 when none is cached or it has expired. Never waits. */
    long secondsToExpiry() {
        AccessToken token = current.get();
        return token == null ? 0 : Math.max(0, Duration.between(clock.instant(), token.expiresAt).getSeconds());
    }

    /** Renews the token; after a failure answers with {@code previous} while it is still valid. */
    private String renew(AccessToken previous, Instant requestedAt) throws MailException {
        try {
            return obtain(requestedAt, settings.grantType + " grant").value;
        } catch (MailException failure) {
            if (previous != null && requestedAt.isBefore(previous.expiresAt)) {
                LOG.warn("Renewing the OAuth2 access token failed; using the current one until {}: {}", previous.expiresAt,
                        failure.getMessage());
                return previous.value;
            }
            LOG.error(failure.getMessage());
            throw failure;
        }
    }

    /** One token request with the grant of the settings; a failure is recorded and starts or extends the back-off. */
    private AccessToken obtain(Instant requestedAt, String how) throws MailException {
        try {
            AccessToken token = accept(source.obtain(), requestedAt, how);
            metrics.increment(MetricNames.TOKEN_RENEWALS);
            share(token);
            return token;
        } catch (TokenEndpointException e) {
            throw failed(OAuthFailures.toMailException(e, settings), requestedAt);
        } catch (MailException e) {
            throw failed(e, requestedAt);
        }
    }

    /**
     * Under the lock: takes the access token another instance of the cluster obtained and left in the
     * chain's store, when it is not due before {@code horizon} and not the one the mail server refused.
     *
     * @return the token taken; null when there is none to take (then a token is requested)
     */
    private AccessToken adoptShared(Instant horizon) {
        AccessToken shared;
        try {
            shared = usesRefreshToken ? store.sharedAccessToken(storeKey) : null;
        } catch (IOException e) {
            LOG.warn("Cannot read the access token the other instances left in {} ({})", store.location(), e.getMessage());
            return null;
        }
        AccessToken token = current.get();
        if (shared == null || !horizon.isBefore(shared.renewAt) || shared.value.equals(rejected)
                || token != null && token.value.equals(shared.value)) {
            return null;
        }
        current.set(shared);
        lastObtained = shared;
        lastFailure = null;
        backoff = Duration.ZERO;
        nextAttempt = Instant.MIN;
        LOG.info("Using the OAuth2 access token another instance obtained ({}), valid until {}", store.location(), shared.expiresAt);
        return shared;
    }

    /** Leaves {@code token} in the chain's store for the other instances (a no-op for a store of one instance). */
    private void share(AccessToken token) {
        if (!usesRefreshToken) {
            return;
        }
        try {
            store.shareAccessToken(storeKey, token);
        } catch (IOException e) {
            LOG.warn("Cannot leave the access token for the other instances in {} ({}); they obtain their own with the stored"
                    + " refresh token", store.location(), e.getMessage());
        }
    }

    /** Caches the access token of {@code response} and ends any back-off. */
    private AccessToken accept(TokenResponse response, Instant requestedAt, String how) {
        long lifetime = response.expiresIn == null || response.expiresIn <= 0 ? DEFAULT_LIFETIME_SECONDS : response.expiresIn;
        // renew ahead of expiry, but never so early that a short-lived token is renewed on every use
        long skew = Math.min(settings.renewBeforeExpirySeconds, lifetime / 2);
        Instant expiresAt = requestedAt.plusSeconds(lifetime);
        AccessToken token = new AccessToken(response.accessToken, requestedAt, expiresAt, expiresAt.minusSeconds(skew), response.scope);
        AccessToken previous = current.getAndSet(token);
        lastObtained = token;
        lastFailure = null;
        backoff = Duration.ZERO;
        nextAttempt = Instant.MIN;
        if (previous == null || !previous.value.equals(token.value)) {
            LOG.info("Obtained an OAuth2 access token ({}), valid until {}{}", how, expiresAt,
                    response.scope == null ? "" : ", scopes " + response.scope);
        }
        String warning = source.warning(requestedAt);
        if (warning != null) {
            LOG.warn(warning);
        }
        return token;
    }

    /** Records {@code failure} and backs off; returns it. */
    private MailException failed(MailException failure, Instant requestedAt) {
        metrics.increment(MetricNames.TOKEN_FAILURES);
        lastFailure = new Failure(failure, requestedAt);
        backoff = backoff.isZero() ? FIRST_BACKOFF : min(backoff.multipliedBy(2), MAX_BACKOFF);
        nextAttempt = requestedAt.plus(backoff);
        return failure;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
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
