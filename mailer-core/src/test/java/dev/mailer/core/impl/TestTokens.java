package dev.mailer.core.impl;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.mailer.api.OAuthConfigurationProvider;

/**
 * A token provider for the pool tests, on the test's clock: issues {@code token-1}, {@code token-2},
 * ... that live {@code lifetime}, renews the current one once {@code renewBefore} or less of it is
 * left (zero: only when it has expired) or when it was dropped, and tells each token's expiry, to
 * the mail service ({@link #getAccessTokenExpiry}) and to the test server
 * ({@link dev.mailer.testsupport.smtp.ExpiringTokenXoauth2}). Counts what it issued and records what
 * it was told to drop, as a token endpoint would see it.
 */
final class TestTokens implements OAuthConfigurationProvider {

    private final Clock clock;
    private final Duration lifetime;
    private final Duration renewBefore;
    private final Map<String, Instant> expiries = new ConcurrentHashMap<>();
    private final List<String> invalidated = new ArrayList<>();
    private String current;
    private int issued;

    TestTokens(Clock clock, Duration lifetime, Duration renewBefore) {
        this.clock = clock;
        this.lifetime = lifetime;
        this.renewBefore = renewBefore;
    }

    @Override
    public synchronized String getAccessToken() {
        Instant now = clock.instant();
        if (current == null || !now.isBefore(expiries.get(current).minus(renewBefore))) {
            current = "token-" + ++issued;
            expiries.put(current, now.plus(lifetime));
        }
        return current;
    }

    @Override
    public synchronized void invalidateAccessToken(String rejectedToken) {
        invalidated.add(rejectedToken);
        if (rejectedToken.equals(current)) {
            current = null;
        }
    }

    @Override
    public Optional<Instant> getAccessTokenExpiry(String accessToken) {
        return Optional.ofNullable(expiries.get(accessToken));
    }

    /** The expiry of a token issued here, null for another (for the test server). */
    Instant expiryOf(String token) {
        return expiries.get(token);
    }

    /** How many tokens were issued: the requests a token endpoint would have seen. */
    synchronized int issued() {
        return issued;
    }

    synchronized List<String> invalidated() {
        return List.copyOf(invalidated);
    }
}
