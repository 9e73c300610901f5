package dev.mailer.health.impl;

import static dev.mailer.health.impl.FakeMailer.Queue.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.Result.Status;
import org.junit.jupiter.api.Test;

import dev.mailer.api.outbox.OutboxEntry.State;

/** The outbox check from snapshots of an outbox, against its thresholds. */
class OutboxCheckTest {

    private final FakeMailer.Queue outbox = new FakeMailer.Queue();

    private Result execute(Map<String, Object> properties) {
        return new OutboxCheck(outbox, properties).execute();
    }

    @Test
    void anEmptyOutboxIsOk() {
        Result result = execute(Map.of());

        assertEquals(Status.OK, result.getStatus());
        assertEquals(List.of("OK 0 message(s) to deliver, 0 dead letter(s)."), Results.lines(result));
    }

    @Test
    void messagesWithinTheThresholdsAreOkWithTheFigures() {
        outbox.add(State.WAITING, NOW.minus(Duration.ofMinutes(10))).add(State.QUEUED, NOW.minusSeconds(1));

        Result result = execute(Map.of());

        assertEquals(List.of("OK 2 message(s) to deliver, 0 dead letter(s); the oldest waits for PT10M."), Results.lines(result));
    }

    @Test
    void moreMessagesThanTheMaximumDepthIsAWarning() {
        outbox.add(State.QUEUED, NOW).add(State.QUEUED, NOW).add(State.SENDING, NOW);

        Result result = execute(Map.of(OutboxCheck.DEPTH_MAX, 2));

        assertEquals(Status.WARN, result.getStatus());
        assertTrue(Results.text(result).contains("3 messages wait for delivery, more than depth.max=2"), Results.text(result));
    }

    @Test
    void aMessageOlderThanTheMaximumAgeIsCritical() {
        outbox.add(State.WAITING, NOW.minus(Duration.ofHours(2)));

        Result result = execute(Map.of());

        assertEquals(Status.CRITICAL, result.getStatus());
        assertTrue(Results.text(result).contains("The oldest message has waited PT2H, longer than oldest.age.max=PT1H: mail is not"
                + " going out."), Results.text(result));
    }

    @Test
    void aDeadLetterIsCriticalSayingHowToRetryOrPurgeIt() {
        outbox.add(State.DEAD, NOW.minus(Duration.ofDays(4)));

        Result result = execute(Map.of());

        assertEquals(Status.CRITICAL, result.getStatus());
        assertTrue(Results.text(result).contains("1 dead letter(s), more than dead.max=0: these messages were not delivered."
                + " 'mailer.jar queue' shows why; then 'queue retry ID', 'queue retry --all-dead' or 'queue purge ID'."),
                Results.text(result));
    }

    @Test
    void deadLettersUpToTheirMaximumAreOk() {
        outbox.add(State.DEAD, NOW.minus(Duration.ofDays(4)));

        assertEquals(Status.OK, execute(Map.of(OutboxCheck.DEAD_MAX, "1")).getStatus());
    }

    @Test
    void invalidThresholdsAreAHealthCheckErrorNamingEachSetting() {
        Result result = execute(Map.of(OutboxCheck.DEPTH_MAX, -1, OutboxCheck.OLDEST_AGE_MAX, "1h"));

        assertEquals(Status.HEALTH_CHECK_ERROR, result.getStatus());
        assertTrue(Results.text(result).contains("depth.max: -1 is out of range"), Results.text(result));
        assertTrue(Results.text(result).contains("oldest.age.max: '1h' is not an ISO-8601 duration"), Results.text(result));
    }
}
