package dev.mailer.oauth.impl;

import java.time.Instant;

/**
 * An access token and its times: cached by {@link AccessTokens}, and left in a shared
 * {@link TokenChainStore} for the other instances of a cluster. Immutable; {@link #toString()} hides
 * the token.
 */
final class AccessToken {
    final String value;
    final Instant obtainedAt;
    final Instant expiresAt;
    /** When to renew it: ahead of its expiry. */
    final Instant renewAt;
    /** The scopes the server said it granted, or null. */
    final String scope;

    AccessToken(String value, Instant obtainedAt, Instant expiresAt, Instant renewAt, String scope) {
        this.value = value;
        this.obtainedAt = obtainedAt;
        this.expiresAt = expiresAt;
        this.renewAt = renewAt;
        this.scope = scope;
    }

    @Override
    public String toString() {
        return "AccessToken[expiresAt=" + expiresAt + "]";
    }
}
