package dev.mailer.api.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class OutboxSnapshotTest {

    private static final Instant NOW = Instant.parse("2026-12-02T05:00:00Z");

    @Test
    void depthCountsWhatIsStillToBeDeliveredAndTheOldestAgeIgnoresDeadLetters() {
        OutboxSnapshot snapshot = new OutboxSnapshot(NOW, List.of(
                entry("waiting", OutboxEntry.State.WAITING, NOW.minusSeconds(30)),
                entry("dead", OutboxEntry.State.DEAD, NOW.minusSeconds(3600)),
                entry("queued", OutboxEntry.State.QUEUED, NOW.minusSeconds(5)),
                entry("sending", OutboxEntry.State.SENDING, NOW.minusSeconds(90))));

        assertEquals(3, snapshot.getDepth());
        assertEquals(1, snapshot.getDeadCount());
        assertEquals(Duration.ofSeconds(90), snapshot.getOldestAge().orElseThrow());
    }

    @Test
    void entriesAreListedOldestFirst() {
        OutboxSnapshot snapshot = new OutboxSnapshot(NOW, List.of(
                entry("new", OutboxEntry.State.QUEUED, NOW.minusSeconds(1)),
                entry("old", OutboxEntry.State.WAITING, NOW.minusSeconds(100))));

        assertEquals("old", snapshot.getEntries().get(0).getId());
        assertEquals("new", snapshot.getEntries().get(1).getId());
    }

    @Test
    void anOutboxWithOnlyDeadLettersHasNoDepthAndNoOldestAge() {
        OutboxSnapshot snapshot = new OutboxSnapshot(NOW, List.of(entry("dead", OutboxEntry.State.DEAD, NOW.minusSeconds(10))));

        assertEquals(0, snapshot.getDepth());
        assertFalse(snapshot.getOldestAge().isPresent());
    }

    @Test
    void aClockThatWentBackMakesNoNegativeAge() {
        OutboxSnapshot snapshot = new OutboxSnapshot(NOW, List.of(entry("future", OutboxEntry.State.QUEUED, NOW.plusSeconds(10))));

        assertEquals(Duration.ZERO, snapshot.getOldestAge().orElseThrow());
    }

    private static OutboxEntry entry(String id, OutboxEntry.State state, Instant enqueuedAt) {
        return OutboxEntry.builder().id(id).messageId("<" + id + "@example.com>").state(state).enqueuedAt(enqueuedAt).build();
    }
}
