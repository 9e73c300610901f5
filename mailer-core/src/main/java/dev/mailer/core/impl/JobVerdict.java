package dev.mailer.core.impl;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.mailer.api.MailException;

/**
 * What a delivery attempt of a Sling job comes to, decided by the {@link OutboxPolicy} of the local
 * outbox (one place for the rules and the texts): succeeded; failed, to be retried after a delay (the
 * policy's back-off); cancelled with the reason (a permanent failure, or transient ones beyond
 * {@code outbox.max.age}: a dead letter). When the server accepted some recipients and others are to be
 * tried again, the job succeeds for the accepted ones and a new job carries the rest
 * ({@link #remaining}), so that nobody gets the message twice. Pure; immutable.
 */
final class JobVerdict {

    enum Kind {
        SUCCEEDED, FAILED, CANCELLED
    }

    final Kind kind;
    /** The job's result message: the server's reply, the last failure or the diagnosis. */
    final String message;
    /** For {@link Kind#FAILED}: when to try again, in milliseconds. */
    final long retryDelayMs;
    /** Recipients to try again in a new job (empty unless a partial delivery left some). */
    final List<String> remaining;
    /** The permanent failure of a cancelled job. */
    final MailException dead;

    private JobVerdict(Kind kind, String message, long retryDelayMs, List<String> remaining, MailException dead) {
        this.kind = kind;
        this.message = message;
        this.retryDelayMs = retryDelayMs;
        this.remaining = List.copyOf(remaining);
        this.dead = dead;
    }

    /**
     * @param before the job as a state before this attempt ({@link OutboxState#ofJob})
     * @param outcome the attempt's outcome; null when it failed as a whole ({@code next} from {@link OutboxPolicy#afterFailure})
     */
    static JobVerdict of(OutboxState before, DeliveryOutcome outcome, OutboxPolicy.Next next, Instant now) {
        if (next.delivered()) {
            return new JobVerdict(Kind.SUCCEEDED, outcome == null ? "" : outcome.reply, 0, List.of(), null);
        }
        if (next.dead != null) {
            return new JobVerdict(Kind.CANCELLED, next.dead.getMessage(), 0, List.of(), next.dead);
        }
        if (outcome != null && !outcome.accepted.isEmpty()) {
            return new JobVerdict(Kind.SUCCEEDED, "Delivered to " + String.join(", ", outcome.accepted) + " (" + outcome.reply
                    + "); " + String.join(", ", next.state.pending) + " in a new job: " + next.state.lastError, 0,
                    next.state.pending, null);
        }
        long delay = Math.max(0, Duration.between(now, next.state.nextAttemptAt).toMillis());
        return new JobVerdict(Kind.FAILED, next.state.lastError, delay, List.of(), null);
    }

    @Override
    public String toString() {
        return "JobVerdict[" + kind + (kind == Kind.FAILED ? ", retry in " + retryDelayMs + " ms" : "")
                + (remaining.isEmpty() ? "" : ", remaining=" + remaining) + "]";
    }
}
