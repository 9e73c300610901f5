package dev.mailer.core.impl;

import java.util.concurrent.TimeUnit;

/**
 * {@code smtp.rate.per.minute}: spaces the starts of delivery attempts evenly, for the local outbox's
 * worker and the Sling Jobs consumer alike. Thread-safe.
 */
final class SendRate {

    private final long intervalNanos;
    /** Guarded by {@code this}. */
    private long nextNanos;

    SendRate(int perMinute) {
        this.intervalNanos = perMinute == 0 ? 0 : TimeUnit.MINUTES.toNanos(1) / perMinute;
    }

    boolean isLimited() {
        return intervalNanos > 0;
    }

    /** Takes the next start: how long (nanoseconds) to wait before it; 0 when unlimited or due. */
    synchronized long reserve() {
        if (intervalNanos == 0) {
            return 0;
        }
        long now = System.nanoTime();
        long at = nextNanos - now > 0 ? nextNanos : now;
        nextNanos = at + intervalNanos;
        return at - now;
    }
}
