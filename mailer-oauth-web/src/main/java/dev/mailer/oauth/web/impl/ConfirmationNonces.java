package dev.mailer.oauth.web.impl;

import java.time.Clock;
import java.time.Duration;

import dev.mailer.commons.pending.PendingRequests;

/**
 * The anti-CSRF nonces of the sign-in confirmation: each issued to one authenticated user, valid
 * for {@link #VALIDITY}, spent when presented. Held in memory only (the same bounded, expiring,
 * single-use store as the OAuth flows' pending requests); a new servlet (configuration or token
 * provider changed) starts empty, so a confirmation page opened before is refused and opened again.
 * Thread-safe.
 */
final class ConfirmationNonces {

    static final Duration VALIDITY = Duration.ofMinutes(10);

    private final Clock clock;
    /** Nonce to the user it was issued to. */
    private final PendingRequests<String> issued;

    ConfirmationNonces(Clock clock, int capacity) {
        this.clock = clock;
        this.issued = new PendingRequests<>(capacity, clock);
    }

    /** A new nonce for {@code user}: 256 random bits, base64url without padding. */
    String issue(String user) {
        return issued.add(user, clock.instant().plus(VALIDITY));
    }

    /**
     * Whether {@code nonce} was issued to {@code user}, has not expired and was not presented
     * before. Spends it in any case: a nonce presented by someone else has leaked.
     */
    boolean consume(String nonce, String user) {
        return nonce != null && user != null && user.equals(issued.take(nonce));
    }
}
