package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.mailer.api.MailException;
import dev.mailer.commons.testing.MutableClock;

/** What becomes of a message after an attempt: delivered, waiting (back-off with jitter), or dead. */
class OutboxPolicyTest {

    private final MutableClock clock = new MutableClock();
    private double random = 1.0;
    private final OutboxPolicy policy = new OutboxPolicy(Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofDays(3),
            clock, () -> random);

    private final OutboxState queued = OutboxState.queued("m1", "<1@example.com>", "workflow@example.com",
            List.of("a@example.com", "b@example.com", "c@example.com"), clock.instant());

    private static final MailException BUSY = MailException.transientFailure("The server refused the request.")
            .replyCode(451).serverReply("451 4.7.500 Server busy").build();
    private static final MailException UNKNOWN = MailException.permanentFailure("The server refused the recipient c@example.com.")
            .replyCode(550).serverReply("550 5.1.1 User unknown").build();

    @Test
    void theWaitDoublesAfterEachAttemptUpToTheMaximumAndJitterTakesOffUpToHalf() {
        assertEquals(Duration.ofMinutes(1), policy.backoff(1));
        assertEquals(Duration.ofMinutes(2), policy.backoff(2));
        assertEquals(Duration.ofMinutes(8), policy.backoff(4));
        assertEquals(Duration.ofMinutes(10), policy.backoff(5));
        assertEquals(Duration.ofMinutes(10), policy.backoff(500));
        random = 0.0;
        assertEquals(Duration.ofSeconds(30), policy.backoff(1));
    }

    @Test
    void everyRecipientAcceptedMeansDelivered() {
        OutboxPolicy.Next next = policy.afterOutcome(queued, new DeliveryOutcome(queued.pending, Map.of(), "250 OK"));

        assertTrue(next.delivered());
    }

    @Test
    void acceptedRecipientsAreNeverTriedAgainATransientRefusalWaitsAndAPermanentOneIsRecorded() {
        Map<String, MailException> refused = new LinkedHashMap<>();
        refused.put("b@example.com", BUSY);
        refused.put("c@example.com", UNKNOWN);

        OutboxPolicy.Next next = policy.afterOutcome(queued, new DeliveryOutcome(List.of("a@example.com"), refused, "250 OK"));

        assertEquals(List.of("b@example.com"), next.state.pending);
        assertEquals(List.of("a@example.com"), next.state.delivered);
        assertEquals(List.of("c@example.com"), next.state.rejected);
        assertEquals(clock.instant().plus(Duration.ofMinutes(1)), next.state.nextAttemptAt);
        assertNull(next.dead);

        OutboxPolicy.Next last = policy.afterOutcome(next.state, new DeliveryOutcome(List.of("b@example.com"), Map.of(), "250 OK"));

        assertEquals(List.of("c@example.com"), last.state.pending, "dead for the refused recipient only");
        assertTrue(last.state.dead);
        assertEquals(2, last.state.attempts);
        assertTrue(last.dead.getMessage().contains("c@example.com"), last.dead.getMessage());
    }

    @Test
    void aPermanentFailureOfTheWholeMessageIsADeadLetterAtOnce() {
        MailException refused = MailException.permanentFailure("The server refused the message.").replyCode(554).build();

        OutboxPolicy.Next next = policy.afterFailure(queued, refused);

        assertTrue(next.state.dead);
        assertSame(refused, next.dead);
        assertEquals(queued.pending, next.state.pending);
    }

    @Test
    void transientFailuresWaitUntilTheMaxAgeThenTheMessageIsDeadSayingWhy() {
        OutboxPolicy.Next first = policy.afterFailure(queued, BUSY);
        assertNull(first.dead);

        clock.advance(Duration.ofDays(3));
        OutboxPolicy.Next expired = policy.afterFailure(first.state, BUSY);

        assertTrue(expired.state.dead);
        assertEquals(2, expired.state.attempts);
        assertTrue(expired.dead.getMessage().startsWith("Not delivered after 2 attempts over PT72H (outbox.max.age)"),
                expired.dead.getMessage());
        assertTrue(expired.dead.getMessage().contains("451 4.7.500 Server busy"), expired.dead.getMessage());
    }

    @Test
    void aRetriedDeadLetterGetsANewMaxAge() {
        OutboxState dead = policy.afterFailure(queued, UNKNOWN).state;
        clock.advance(Duration.ofDays(4));

        OutboxState retried = dead.retryNow(clock.instant());
        OutboxPolicy.Next next = policy.afterFailure(retried, BUSY);

        assertNull(next.dead, "waiting, not expired: the age counts from the retry");
        assertEquals(clock.instant(), retried.nextAttemptAt);
    }
}
