package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.mailer.api.MailException;
import dev.mailer.commons.testing.MutableClock;

/** What a delivery attempt of a Sling job comes to: succeeded, failed with the outbox's back-off, or cancelled with the reason. */
class JobVerdictTest {

    private final MutableClock clock = new MutableClock();
    private final OutboxPolicy policy = new OutboxPolicy(Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofDays(3),
            clock, () -> 1.0);

    private static final List<String> RECIPIENTS = List.of("a@example.com", "b@example.com");
    private static final MailException BUSY = MailException.transientFailure("The server refused the request.")
            .replyCode(451).serverReply("451 4.7.500 Server busy").build();
    private static final MailException UNKNOWN = MailException.permanentFailure("The server refused the recipient.")
            .replyCode(550).serverReply("550 5.1.1 User unknown").diagnosis("Check the address.").build();

    private OutboxState job(int retries, Instant enqueuedAt) {
        return OutboxState.ofJob("2026/1/1/job_1", "<1@example.com>", "workflow@example.com", RECIPIENTS, enqueuedAt, retries,
                clock.instant());
    }

    private JobVerdict verdict(OutboxState before, DeliveryOutcome outcome) {
        return JobVerdict.of(before, outcome, policy.afterOutcome(before, outcome), clock.instant());
    }

    private JobVerdict verdict(OutboxState before, MailException failure) {
        return JobVerdict.of(before, null, policy.afterFailure(before, failure), clock.instant());
    }

    @Test
    void everyRecipientAcceptedSucceedsWithTheServersReply() {
        JobVerdict verdict = verdict(job(0, clock.instant()), new DeliveryOutcome(RECIPIENTS, Map.of(), "250 2.0.0 OK"));

        assertEquals(JobVerdict.Kind.SUCCEEDED, verdict.kind);
        assertEquals("250 2.0.0 OK", verdict.message);
        assertEquals(List.of(), verdict.remaining);
    }

    @Test
    void aTransientFailureFailsTheJobWithTheOutboxBackoffForItsAttempt() {
        JobVerdict first = verdict(job(0, clock.instant()), BUSY);
        JobVerdict third = verdict(job(2, clock.instant()), BUSY);

        assertEquals(JobVerdict.Kind.FAILED, first.kind);
        assertEquals(Duration.ofMinutes(1).toMillis(), first.retryDelayMs, "outbox.retry.initial");
        assertEquals(Duration.ofMinutes(4).toMillis(), third.retryDelayMs, "doubled after each attempt");
        assertEquals(BUSY.getMessage(), first.message);
    }

    @Test
    void aPermanentFailureCancelsTheJobWithTheDiagnosisText() {
        JobVerdict verdict = verdict(job(0, clock.instant()), UNKNOWN);

        assertEquals(JobVerdict.Kind.CANCELLED, verdict.kind);
        assertEquals(UNKNOWN.getMessage(), verdict.message, "the same text as the local outbox's dead letter");
        assertSame(UNKNOWN, verdict.dead);
    }

    @Test
    void aTransientFailureOfAJobOlderThanTheMaximumAgeCancelsItAsADeadLetterSayingSo() {
        Instant enqueued = clock.instant();
        clock.advance(Duration.ofDays(3));

        JobVerdict verdict = verdict(job(40, enqueued), BUSY);

        assertEquals(JobVerdict.Kind.CANCELLED, verdict.kind);
        assertEquals(OutboxFailures.expired(BUSY, Duration.ofDays(3), 41).getMessage(), verdict.message);
        assertTrue(verdict.message.contains(SmtpSettings.OUTBOX_MAX_AGE), verdict.message);
    }

    @Test
    void aPartialDeliveryWithATransientRefusalSucceedsAndLeavesTheRestForANewJob() {
        Map<String, MailException> refused = new LinkedHashMap<>();
        refused.put("b@example.com", BUSY);

        JobVerdict verdict = verdict(job(0, clock.instant()), new DeliveryOutcome(List.of("a@example.com"), refused, "250 OK"));

        assertEquals(JobVerdict.Kind.SUCCEEDED, verdict.kind);
        assertEquals(List.of("b@example.com"), verdict.remaining);
        assertTrue(verdict.message.contains("a@example.com") && verdict.message.contains("b@example.com"), verdict.message);
    }

    @Test
    void everyRecipientRefusedForGoodCancelsTheJob() {
        Map<String, MailException> refused = new LinkedHashMap<>();
        refused.put("a@example.com", UNKNOWN);
        refused.put("b@example.com", UNKNOWN);

        JobVerdict verdict = verdict(job(0, clock.instant()), new DeliveryOutcome(List.of(), refused, ""));

        assertEquals(JobVerdict.Kind.CANCELLED, verdict.kind);
        assertEquals(UNKNOWN.getMessage(), verdict.message);
    }
}
