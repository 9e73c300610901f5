package dev.mailer.api.oauth;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the token provider knows about its tokens, for operators. Holds no token and no secret, so
 * it may be printed and logged. Immutable.
 */
public final class TokenStatus {

    /** Where the refresh token in use comes from. */
    public enum RefreshTokenSource {
        /** The grant needs none (client_credentials). */
        NOT_USED("not used by this grant"),
        /** No refresh token yet: configure one or run the authorization. */
        NONE("none: run 'authorize' or configure refreshToken"),
        /** The configured {@code refreshToken} setting. */
        CONFIGURED("the configured one (refreshToken)"),
        /** A successor the server issued when it rotated the configured or authorized one. */
        ROTATED("a rotated successor, stored in the bundle data area"),
        /** One obtained by the authorization-code or device-code flow. */
        AUTHORIZED("obtained by signing in (authorize), stored in the bundle data area");

        private final String description;

        RefreshTokenSource(String description) {
            this.description = description;
        }

        /** For operators, e.g. "obtained by signing in (authorize), stored in the bundle data area". */
        public String getDescription() {
            return description;
        }
    }

    private final String grantType;
    private final String clientId;
    private final String tokenUrl;
    private final List<String> requestedScopes;
    private final String grantedScopes;
    private final Instant expiresAt;
    private final Instant lastRenewal;
    private final String lastError;
    private final Instant lastErrorAt;
    private final boolean lastErrorPermanent;
    private final RefreshTokenSource refreshTokenSource;
    private final Duration keepAlive;
    private final Instant lastKeepAlive;
    private final Instant keepAliveDue;

    private TokenStatus(Builder b) {
        this.grantType = b.grantType;
        this.clientId = b.clientId;
        this.tokenUrl = b.tokenUrl;
        this.requestedScopes = List.copyOf(b.requestedScopes);
        this.grantedScopes = b.grantedScopes;
        this.expiresAt = b.expiresAt;
        this.lastRenewal = b.lastRenewal;
        this.lastError = b.lastError;
        this.lastErrorAt = b.lastErrorAt;
        this.lastErrorPermanent = b.lastErrorPermanent;
        this.refreshTokenSource = b.refreshTokenSource;
        this.keepAlive = b.keepAlive;
        this.lastKeepAlive = b.lastKeepAlive;
        this.keepAliveDue = b.keepAliveDue;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code refresh_token} or {@code client_credentials}; null when the configuration is invalid. */
    public String getGrantType() {
        return grantType;
    }

    public String getClientId() {
        return clientId;
    }

    public String getTokenUrl() {
        return tokenUrl;
    }

    public List<String> getRequestedScopes() {
        return requestedScopes;
    }

    /** The scopes the token endpoint said it granted with the current token, if it said. */
    public Optional<String> getGrantedScopes() {
        return Optional.ofNullable(grantedScopes);
    }

    /** When the cached access token expires; empty when none is cached. */
    public Optional<Instant> getExpiresAt() {
        return Optional.ofNullable(expiresAt);
    }

    /** When the last token was obtained; empty when none was obtained since the provider started. */
    public Optional<Instant> getLastRenewal() {
        return Optional.ofNullable(lastRenewal);
    }

    /** The last failure to obtain a token or an invalid configuration, with its diagnosis; empty after a success. */
    public Optional<String> getLastError() {
        return Optional.ofNullable(lastError);
    }

    public Optional<Instant> getLastErrorAt() {
        return Optional.ofNullable(lastErrorAt);
    }

    /**
     * True when the last error will not heal by waiting: the token endpoint refused the grant or the
     * client (a revoked or expired refresh token, a wrong secret), or the configuration is invalid.
     * Sending fails once the cached token expires, so this needs an operator even while
     * {@link #hasValidToken(Instant)}. False after a success or a transient failure (endpoint down,
     * 5xx, timeout).
     *
     * @since 1.1
     */
    public boolean isLastErrorPermanent() {
        return lastErrorPermanent;
    }

    public RefreshTokenSource getRefreshTokenSource() {
        return refreshTokenSource;
    }

    /**
     * How long the grant may go without a token request before the provider makes one by itself
     * (setting {@code keepAlive}), so that a refresh token the provider ends when unused stays
     * alive; empty when the keep-alive is off.
     *
     * @since 1.1
     */
    public Optional<Duration> getKeepAlive() {
        return Optional.ofNullable(keepAlive);
    }

    /**
     * When the last keep-alive request succeeded in this process; empty when none has yet (sends
     * that obtain tokens make it unnecessary). A failed one shows as {@link #getLastError()}.
     *
     * @since 1.1
     */
    public Optional<Instant> getLastKeepAlive() {
        return Optional.ofNullable(lastKeepAlive);
    }

    /**
     * When the next keep-alive request is due unless a token is obtained before: the time the grant
     * was last known to work plus {@link #getKeepAlive()}. A time well past means the upkeep does not
     * run, or fails (see {@link #getLastError()}). Empty when the keep-alive is off or there is no
     * grant to keep alive yet (no refresh token, or an invalid configuration).
     *
     * @since 1.1
     */
    public Optional<Instant> getKeepAliveDue() {
        return Optional.ofNullable(keepAliveDue);
    }

    /** True when an access token is cached and has not expired at {@code now}. */
    public boolean hasValidToken(Instant now) {
        return expiresAt != null && now.isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "TokenStatus[grant=" + grantType + ", clientId=" + clientId + ", expiresAt=" + expiresAt + ", lastRenewal="
                + lastRenewal + ", refreshToken=" + refreshTokenSource + ", keepAlive=" + (keepAlive == null ? "off" : keepAlive
                        + (lastKeepAlive == null ? "" : ", lastKeepAlive=" + lastKeepAlive)
                        + (keepAliveDue == null ? "" : ", keepAliveDue=" + keepAliveDue))
                + (lastError == null ? "" : ", " + (lastErrorPermanent ? "permanent " : "") + "lastError=" + lastError) + "]";
    }

    public static final class Builder {
        private String grantType;
        private String clientId;
        private String tokenUrl;
        private List<String> requestedScopes = List.of();
        private String grantedScopes;
        private Instant expiresAt;
        private Instant lastRenewal;
        private String lastError;
        private Instant lastErrorAt;
        private boolean lastErrorPermanent;
        private RefreshTokenSource refreshTokenSource = RefreshTokenSource.NONE;
        private Duration keepAlive;
        private Instant lastKeepAlive;
        private Instant keepAliveDue;

        private Builder() {
        }

        public Builder grantType(String grantType) {
            this.grantType = grantType;
            return this;
        }

        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        public Builder tokenUrl(String tokenUrl) {
            this.tokenUrl = tokenUrl;
            return this;
        }

        public Builder requestedScopes(List<String> scopes) {
            this.requestedScopes = scopes == null ? List.of() : scopes;
            return this;
        }

        public Builder grantedScopes(String scopes) {
            this.grantedScopes = scopes;
            return this;
        }

        public Builder expiresAt(Instant expiresAt) {
            this.expiresAt = expiresAt;
            return this;
        }

        public Builder lastRenewal(Instant lastRenewal) {
            this.lastRenewal = lastRenewal;
            return this;
        }

        public Builder lastError(String message, Instant at) {
            this.lastError = message;
            this.lastErrorAt = at;
            return this;
        }

        /** As {@link #lastError(String, Instant)}, saying whether it heals by waiting ({@link TokenStatus#isLastErrorPermanent()}). */
        public Builder lastError(String message, Instant at, boolean permanent) {
            this.lastErrorPermanent = permanent;
            return lastError(message, at);
        }

        public Builder refreshTokenSource(RefreshTokenSource source) {
            this.refreshTokenSource = source == null ? RefreshTokenSource.NONE : source;
            return this;
        }

        /**
         * @param period the keep-alive period; null or zero: off
         * @since 1.1
         */
        public Builder keepAlive(Duration period) {
            this.keepAlive = period == null || period.isZero() ? null : period;
            return this;
        }

        /** @since 1.1 */
        public Builder lastKeepAlive(Instant lastKeepAlive) {
            this.lastKeepAlive = lastKeepAlive;
            return this;
        }

        /** @since 1.1 */
        public Builder keepAliveDue(Instant keepAliveDue) {
            this.keepAliveDue = keepAliveDue;
            return this;
        }

        public TokenStatus build() {
            return new TokenStatus(this);
        }
    }
}
