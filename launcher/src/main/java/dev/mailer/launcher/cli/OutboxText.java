package dev.mailer.launcher.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

import dev.mailer.api.outbox.OutboxEntry;
import dev.mailer.api.outbox.OutboxSnapshot;

/** The outbox for operators: the {@code queue} list, the counts {@code serve} starts with, what to do with a dead letter. */
final class OutboxText {

    private static final String ROW = "%-30s %-7s %8s  %-20s  %s%n";

    private OutboxText() {
    }

    /** One row per message (id, state, attempts, next try, Message-ID, pending recipients), its last error below; then the counts. */
    static void printList(OutboxSnapshot snapshot, PrintStream out) {
        if (!snapshot.getEntries().isEmpty()) {
            out.printf(Locale.ROOT, ROW, "ID", "STATE", "ATTEMPTS", "NEXT TRY", "MESSAGE-ID / NOT YET DELIVERED TO");
        }
        for (OutboxEntry entry : snapshot.getEntries()) {
            out.printf(Locale.ROOT, ROW, entry.getId(), entry.getState(), entry.getAttempts(), nextTry(entry),
                    entry.getMessageId() + " " + String.join(", ", entry.getPendingRecipients()));
            entry.getLastError().ifPresent(error -> out.println("    last error: " + oneLine(error)));
        }
        out.println("outbox: " + counts(snapshot));
    }

    /** {@code 2 to deliver (the oldest queued 3 min ago), 1 dead letter}, or {@code empty}. */
    static String counts(OutboxSnapshot snapshot) {
        if (snapshot.getEntries().isEmpty()) {
            return "empty";
        }
        return snapshot.getDepth() + " to deliver"
                + snapshot.getOldestAge().map(age -> " (the oldest queued " + age(age) + " ago)").orElse("")
                + ", " + snapshot.getDeadCount() + (snapshot.getDeadCount() == 1 ? " dead letter" : " dead letters");
    }

    /** What an operator can do about dead letters. */
    static String deadLetterAdvice(String id) {
        return "a dead letter stays in the outbox until `queue retry " + id + "` (once the cause is fixed) or `queue purge " + id + "`";
    }

    private static String nextTry(OutboxEntry entry) {
        switch (entry.getState()) {
            case DEAD:
                return "never (dead)";
            case SENDING:
                return "sending now";
            default:
                return entry.getNextAttemptAt().map(at -> at.truncatedTo(ChronoUnit.SECONDS).toString()).orElse("-");
        }
    }

    private static String age(Duration age) {
        if (age.toHours() >= 48) {
            return age.toDays() + " d";
        }
        if (age.toMinutes() >= 120) {
            return age.toHours() + " h";
        }
        return age.toMinutes() >= 2 ? age.toMinutes() + " min" : age.toSeconds() + " s";
    }

    /** For {@code send --queue}: the last attempt's error of message {@code id}, if the snapshot has one. */
    static String lastError(OutboxSnapshot snapshot, String id) {
        return snapshot.getEntries().stream().filter(e -> e.getId().equals(id)).findFirst()
                .flatMap(OutboxEntry::getLastError).map(error -> " (last attempt: " + oneLine(error) + ")")
                .orElse("");
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
