package dev.mailer.it.support;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting for a condition that nothing signals (a point in time, a file, a bundle state): checked
 * every few milliseconds until it holds, bounded by a deadline. Where a component can signal (a
 * server's record, a service), its own await methods are used instead.
 */
public final class Await {

    private static final long PARK_NANOS = 5_000_000;

    private Await() {
    }

    /** Waits until {@code condition} holds; fails naming {@code what} after {@code timeout}. */
    public static void until(BooleanSupplier condition, Duration timeout, Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Gave up after " + timeout.toMillis() + " ms waiting for " + what.get());
            }
            LockSupport.parkNanos(PARK_NANOS);
        }
    }

    /** Waits until the clock has passed {@code instant} (e.g. until a token has expired). */
    public static void past(Instant instant, Duration timeout) {
        until(() -> Instant.now().isAfter(instant), timeout, () -> "the time to pass " + instant);
    }
}
