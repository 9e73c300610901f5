package dev.mailer.oauth.web.impl;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The anti-CSRF nonces of the sign-in confirmation: each issued to one authenticated user, valid
 * for {@link #VALIDITY}, spent when presented. Held in memory only, at most {@code capacity}, the
 * oldest dropped when full; a new servlet (configuration or token provider changed) starts empty,
 * so a confirmation page opened before is refused and opened again. Thread-safe.
 */
final class ConfirmationNonces {

    static final Duration VALIDITY = Duration.ofMinutes(10);

    /** 256 bits: not guessable, and nothing for a cross-site page to read from the admin's browser. */
    private static final int BYTES = 32;

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    /** Nonce to whom it was issued and until when; insertion order, so the eldest is the oldest. */
    private final LinkedHashMap<String, Issued> issued;

    ConfirmationNonces(Clock clock, int capacity) {
        this.clock = clock;
        this.issued = new LinkedHashMap<>() {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Issued> eldest) {
                return size() > capacity;
            }
        };
    }

    /** A new nonce for {@code user}, base64url without padding. */
    String issue(String user) {
        byte[] bytes = new byte[BYTES];
        random.nextBytes(bytes);
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        synchronized (issued) {
            issued.values().removeIf(entry -> entry.isExpired(now));
            issued.put(nonce, new Issued(user, now.plus(VALIDITY)));
        }
        return nonce;
    }

    /**
     * Whether {@code nonce} was issued to {@code user}, has not expired and was not presented
     * before. Spends it in any case: a nonce presented by someone else has leaked.
     */
    boolean consume(String nonce, String user) {
        if (nonce == null || user == null) {
            return false;
        }
        Issued entry;
        synchronized (issued) {
            entry = issued.remove(nonce);
        }
        return entry != null && entry.user.equals(user) && !entry.isExpired(clock.instant());
    }

    private static final class Issued {
        final String user;
        final Instant expiresAt;

        Issued(String user, Instant expiresAt) {
            this.user = user;
            this.expiresAt = expiresAt;
        }

        boolean isExpired(Instant now) {
            return !now.isBefore(expiresAt);
        }
    }
}
