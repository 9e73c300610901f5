package dev.mailer.core.impl;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import dev.mailer.api.MailException;

/**
 * What becomes of a message after a delivery attempt: delivered (removed), waiting for the next
 * attempt (transient failures, exponential back-off with jitter) or dead (a permanent failure, or
 * transient ones for longer than the maximum age). Recipients are handled one by one: accepted ones
 * are never sent to again, refused ones (5xx) are recorded, the others tried again. Immutable.
 */
final class OutboxPolicy {

    private final Duration initial;
    private final Duration max;
    private final Duration maxAge;
    private final Clock clock;
    private final DoubleSupplier random;

    OutboxPolicy(Duration initial, Duration max, Duration maxAge, Clock clock, DoubleSupplier random) {
        this.initial = initial;
        this.max = max;
        this.maxAge = maxAge;
        this.clock = clock;
        this.random = random;
    }

    /** The policy of a configuration's outbox settings (outbox.retry.initial, outbox.retry.max, outbox.max.age), with jitter. */
    static OutboxPolicy of(SmtpSettings settings, Clock clock) {
        return new OutboxPolicy(settings.retryInitial, settings.retryMax, settings.outboxMaxAge, clock,
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /** The state after an attempt, and what its caller must do. */
    static final class Next {
        /** The new state; null when the message was delivered to every recipient and is to be removed. */
        final OutboxState state;
        /** Why the message is dead, when it is. */
        final MailException dead;

        private Next(OutboxState state, MailException dead) {
            this.state = state;
            this.dead = dead;
        }

        boolean delivered() {
            return state == null;
        }
    }

    /** After an attempt the server answered, every recipient accepted or refused on its own. */
    Next afterOutcome(OutboxState s, DeliveryOutcome outcome) {
        Instant now = clock.instant();
        List<String> refusedForGood = new ArrayList<>();
        MailException lastFailure = null;
        MailException firstPermanent = null;
        for (Map.Entry<String, MailException> refused : outcome.refused.entrySet()) {
            lastFailure = refused.getValue();
            if (!refused.getValue().isTransient()) {
                refusedForGood.add(refused.getKey());
                firstPermanent = firstPermanent == null ? refused.getValue() : firstPermanent;
            }
        }
        List<String> stillPending = new ArrayList<>(s.pending);
        stillPending.removeAll(outcome.accepted);
        stillPending.removeAll(refusedForGood);
        String error = lastFailure == null ? s.lastError : lastFailure.getMessage();
        OutboxState attempted = s.attempted(stillPending, outcome.accepted, refusedForGood, error);
        if (stillPending.isEmpty()) {
            if (attempted.rejected.isEmpty()) {
                return new Next(null, null);
            }
            return dead(attempted, firstPermanent != null ? firstPermanent
                    : OutboxFailures.recipientsRefused(attempted.rejected, error));
        }
        return expiredOrWaiting(attempted, lastFailure != null ? lastFailure
                : OutboxFailures.recipientsRefused(stillPending, error), now);
    }

    /** After an attempt that failed for the whole message (connection, login, token, MAIL FROM, DATA). */
    Next afterFailure(OutboxState s, MailException failure) {
        OutboxState attempted = s.attempted(s.pending, List.of(), List.of(), failure.getMessage());
        if (!failure.isTransient()) {
            return dead(attempted, failure);
        }
        return expiredOrWaiting(attempted, failure, clock.instant());
    }

    private Next expiredOrWaiting(OutboxState attempted, MailException failure, Instant now) {
        if (!now.isBefore(attempted.ageFrom.plus(maxAge))) {
            return dead(attempted, OutboxFailures.expired(failure, maxAge, attempted.attempts));
        }
        return new Next(attempted.waitingUntil(now.plus(backoff(attempted.attempts))), null);
    }

    private static Next dead(OutboxState attempted, MailException reason) {
        List<String> undelivered = new ArrayList<>(attempted.pending);
        undelivered.addAll(attempted.rejected);
        return new Next(attempted.dead(undelivered, reason.getMessage()), reason);
    }

    /**
     * The wait after {@code attempts} attempts: the initial wait doubled after each, at most the
     * maximum, of which a random half is taken off so that messages failing together spread out.
     */
    Duration backoff(int attempts) {
        Duration base = initial;
        for (int i = 1; i < attempts && base.compareTo(max) < 0; i++) {
            base = base.multipliedBy(2);
        }
        if (base.compareTo(max) > 0) {
            base = max;
        }
        long millis = base.toMillis();
        return Duration.ofMillis(millis / 2 + (long) (random.getAsDouble() * (millis / 2)));
    }
}
