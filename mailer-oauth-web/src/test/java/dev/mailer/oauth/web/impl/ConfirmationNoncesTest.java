package dev.mailer.oauth.web.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import dev.mailer.commons.testing.MutableClock;

/** The nonce store alone: bound to a user, single use, ten minutes, bounded. */
class ConfirmationNoncesTest {

    private final MutableClock clock = new MutableClock();

    @Test
    void aNonceIsRandomBase64UrlAndAcceptedOnceFromItsUser() {
        ConfirmationNonces nonces = new ConfirmationNonces(clock, 8);
        String nonce = nonces.issue("admin");

        assertTrue(nonce.matches("[A-Za-z0-9_-]{43}"), nonce);
        assertFalse(nonce.equals(nonces.issue("admin")));
        assertTrue(nonces.consume(nonce, "admin"));
        assertFalse(nonces.consume(nonce, "admin"), "spent");
        assertFalse(nonces.consume(null, "admin"));
        assertFalse(nonces.consume(nonces.issue("admin"), null));
    }

    @Test
    void aNonceOfAnotherUserIsRefusedAndSpent() {
        ConfirmationNonces nonces = new ConfirmationNonces(clock, 8);
        String nonce = nonces.issue("ops");

        assertFalse(nonces.consume(nonce, "admin"));
        assertFalse(nonces.consume(nonce, "ops"), "presented by someone else: leaked");
    }

    @Test
    void aNonceIsValidForTenMinutes() {
        ConfirmationNonces nonces = new ConfirmationNonces(clock, 8);
        String inTime = nonces.issue("admin");
        String late = nonces.issue("admin");

        clock.advance(ConfirmationNonces.VALIDITY.minusMillis(1));
        assertTrue(nonces.consume(inTime, "admin"));
        clock.advance(Duration.ofMillis(1));
        assertFalse(nonces.consume(late, "admin"));
        assertEquals(Duration.ofMinutes(10), ConfirmationNonces.VALIDITY);
    }

    @Test
    void whenFullTheOldestIsDropped() {
        ConfirmationNonces nonces = new ConfirmationNonces(clock, 2);
        String oldest = nonces.issue("admin");
        String second = nonces.issue("admin");
        String third = nonces.issue("admin");

        assertFalse(nonces.consume(oldest, "admin"), "dropped");
        assertTrue(nonces.consume(second, "admin"));
        assertTrue(nonces.consume(third, "admin"));
    }

    @Test
    void concurrentConsumersSpendANonceOnce() throws Exception {
        ConfirmationNonces nonces = new ConfirmationNonces(clock, 1000);
        List<String> issued = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            issued.add(nonces.issue("admin"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Set<String>>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    Set<String> accepted = new HashSet<>();
                    for (String nonce : issued) {
                        if (nonces.consume(nonce, "admin")) {
                            accepted.add(nonce);
                        }
                    }
                    return accepted;
                }));
            }
            int accepted = 0;
            for (Future<Set<String>> result : results) {
                accepted += result.get().size();
            }
            assertEquals(issued.size(), accepted, "each nonce accepted exactly once across the threads");
        } finally {
            pool.shutdownNow();
        }
    }
}
