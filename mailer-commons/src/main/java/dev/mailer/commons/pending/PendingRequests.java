package dev.mailer.commons.pending;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * Started authorizations waiting to be completed, each under an unguessable key (the
 * {@code state} of an authorization-code flow, the id of a device-code flow). Each is taken at
 * most once and is gone after its expiry. Bounded, so that callers who start flows and never
 * finish them cannot fill the memory: when full, the oldest is dropped. Thread-safe.
 *
 * Used for the OAuth flows (PKCE verifier, device code) and the anti-CSRF nonces of the sign-in
 * servlets.
 *
 * @param <T> what is kept until completion (verifier, device code, user): may be secret, never logged
 */
public final class PendingRequests<T> {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** 256 bits: far beyond guessing, as RFC 6749 10.10 asks of state values. */
    private static final int KEY_BYTES = 32;

    private final int capacity;
    private final Clock clock;
    // guarded by this; insertion order is age order
    private final LinkedHashMap<String, Entry<T>> entries = new LinkedHashMap<>();

    public PendingRequests(int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    /** Random bytes as unpadded base64url text (safe in URLs and forms). */
    public static String randomBase64Url(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** Keeps {@code value} until {@code expiresAt}; returns the fresh key it is kept under. */
    public synchronized String add(T value, Instant expiresAt) {
        purgeExpired();
        Iterator<String> oldest = entries.keySet().iterator();
        while (entries.size() >= capacity && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
        String key = randomBase64Url(KEY_BYTES);
        entries.put(key, new Entry<>(value, expiresAt));
        return key;
    }

    /** Removes and returns the value under {@code key}; null when there is none or it expired. */
    public synchronized T take(String key) {
        purgeExpired();
        Entry<T> entry = entries.remove(key);
        return entry == null ? null : entry.value;
    }

    private void purgeExpired() {
        Instant now = clock.instant();
        entries.values().removeIf(entry -> !now.isBefore(entry.expiresAt));
    }

    @Override
    public synchronized String toString() {
        return "PendingRequests[" + entries.size() + "/" + capacity + "]";
    }

    private static final class Entry<T> {
        final T value;
        final Instant expiresAt;

        Entry(T value, Instant expiresAt) {
            this.value = value;
            this.expiresAt = expiresAt;
        }
    }
}
