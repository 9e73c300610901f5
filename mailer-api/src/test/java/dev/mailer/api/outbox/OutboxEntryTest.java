package dev.mailer.api.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class OutboxEntryTest {

    private static final Instant T0 = Instant.parse("2026-12-02T05:00:00Z");

    @Test
    void anEntryKeepsWhatItWasBuiltWith() {
        OutboxEntry entry = OutboxEntry.builder().id("m1").messageId("<1@example.com>").state(OutboxEntry.State.WAITING)
                .attempts(2).enqueuedAt(T0).nextAttemptAt(T0.plusSeconds(60)).lastError("451 4.7.1 Try again later")
                .pendingRecipients(List.of("a@example.com")).build();

        assertEquals("m1", entry.getId());
        assertEquals("<1@example.com>", entry.getMessageId());
        assertEquals(OutboxEntry.State.WAITING, entry.getState());
        assertEquals(2, entry.getAttempts());
        assertEquals(T0, entry.getEnqueuedAt());
        assertEquals(T0.plusSeconds(60), entry.getNextAttemptAt().orElseThrow());
        assertEquals("451 4.7.1 Try again later", entry.getLastError().orElseThrow());
        assertEquals(List.of("a@example.com"), entry.getPendingRecipients());
    }

    @Test
    void theRecipientsCannotBeChangedThroughTheListItWasBuiltWithNorThroughTheGetter() {
        List<String> recipients = new ArrayList<>(List.of("a@example.com"));
        OutboxEntry entry = queued().pendingRecipients(recipients).build();
        recipients.add("b@example.com");

        assertEquals(List.of("a@example.com"), entry.getPendingRecipients());
        assertThrows(UnsupportedOperationException.class, () -> entry.getPendingRecipients().add("c@example.com"));
    }

    @Test
    void aNewEntryHasNoErrorAndNoAttemptYet() {
        OutboxEntry entry = queued().build();

        assertEquals(0, entry.getAttempts());
        assertFalse(entry.getLastError().isPresent());
        assertFalse(entry.getNextAttemptAt().isPresent());
    }

    @Test
    void anEntryWithoutIdMessageIdStateOrTimeIsRefusedNamingTheField() {
        assertEquals("id must not be empty",
                assertThrows(IllegalArgumentException.class, () -> queued().id(" ").build()).getMessage());
        assertEquals("messageId must not be empty",
                assertThrows(IllegalArgumentException.class, () -> queued().messageId(null).build()).getMessage());
        assertEquals("state", assertThrows(NullPointerException.class, () -> queued().state(null).build()).getMessage());
        assertEquals("enqueuedAt", assertThrows(NullPointerException.class, () -> queued().enqueuedAt(null).build()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> queued().attempts(-1).build()).getMessage().contains("attempts"));
    }

    @Test
    void toStringShowsNeitherRecipientsNorTheErrorText() {
        String text = queued().lastError("535 secret-looking reply").pendingRecipients(List.of("a@example.com")).build().toString();

        assertTrue(text.contains("m1") && text.contains("QUEUED") && text.contains("pending=1"), text);
        assertFalse(text.contains("a@example.com") || text.contains("535"), text);
    }

    static OutboxEntry.Builder queued() {
        return OutboxEntry.builder().id("m1").messageId("<1@example.com>").state(OutboxEntry.State.QUEUED).enqueuedAt(T0);
    }
}
