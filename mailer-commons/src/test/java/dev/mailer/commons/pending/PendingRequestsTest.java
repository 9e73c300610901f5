package dev.mailer.commons.pending;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.mailer.commons.testing.MutableClock;

class PendingRequestsTest {

    private final MutableClock clock = new MutableClock();
    private final PendingRequests<String> pending = new PendingRequests<>(3, clock);

    private Instant inTenMinutes() {
        return clock.instant().plus(Duration.ofMinutes(10));
    }

    @Test
    void eachIsTakenOnce() {
        String key = pending.add("verifier", inTenMinutes());
        assertEquals("verifier", pending.take(key));
        assertNull(pending.take(key));
    }

    @Test
    void expiredOnesAreGone() {
        String key = pending.add("verifier", inTenMinutes());
        clock.advance(Duration.ofMinutes(10));
        assertNull(pending.take(key));
    }

    @Test
    void whenFullTheOldestIsDropped() {
        String oldest = pending.add("1", inTenMinutes());
        String second = pending.add("2", inTenMinutes());
        pending.add("3", inTenMinutes());
        pending.add("4", inTenMinutes());
        assertNull(pending.take(oldest));
        assertEquals("2", pending.take(second));
    }

    @Test
    void keysAreUnguessable() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String key = PendingRequests.randomBase64Url(32);
            assertTrue(key.matches("[A-Za-z0-9_-]{43}"), key);
            keys.add(key);
        }
        assertEquals(1000, keys.size());
    }
}
