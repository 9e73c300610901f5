package dev.mailer.core.impl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

import dev.mailer.api.outbox.OutboxEntry;

/**
 * The small, rewritable part of a message in the outbox: envelope, pending recipients, attempts and
 * the outcome of the last one. Immutable; each change is a new state written whole
 * ({@link OutboxStore}). Holds no credential: the envelope and the server's replies only.
 */
final class OutboxState {

    private static final String FORMAT = "1";

    final String id;
    final String messageId;
    final String envelopeFrom;
    /** The recipients still to try (for a dead letter: every one it was not delivered to). */
    final List<String> pending;
    /** The recipients the server accepted: never sent to again. */
    final List<String> delivered;
    /** The recipients the server refused for good (5xx): recorded, not tried again. */
    final List<String> rejected;
    final Instant enqueuedAt;
    /** Where the maximum age is counted from: enqueuedAt, or when an operator retried a dead letter. */
    final Instant ageFrom;
    final int attempts;
    final Instant nextAttemptAt;
    final String lastError;
    final boolean dead;

    private OutboxState(String id, String messageId, String envelopeFrom, List<String> pending, List<String> delivered,
            List<String> rejected, Instant enqueuedAt, Instant ageFrom, int attempts, Instant nextAttemptAt, String lastError,
            boolean dead) {
        this.id = Objects.requireNonNull(id);
        this.messageId = Objects.requireNonNull(messageId);
        this.envelopeFrom = Objects.requireNonNull(envelopeFrom);
        this.pending = List.copyOf(pending);
        this.delivered = List.copyOf(delivered);
        this.rejected = List.copyOf(rejected);
        this.enqueuedAt = Objects.requireNonNull(enqueuedAt);
        this.ageFrom = Objects.requireNonNull(ageFrom);
        this.attempts = attempts;
        this.nextAttemptAt = Objects.requireNonNull(nextAttemptAt);
        this.lastError = lastError;
        this.dead = dead;
    }

    /** A message just accepted: due at once. */
    static OutboxState queued(String id, String messageId, String envelopeFrom, List<String> recipients, Instant now) {
        return new OutboxState(id, messageId, envelopeFrom, recipients, List.of(), List.of(), now, now, 0, now, null, false);
    }

    /**
     * A message of the Sling Jobs outbox before its next attempt: {@code attempts} made so far (the job's
     * retry count), due now, its maximum age counted from {@code enqueuedAt}.
     */
    static OutboxState ofJob(String id, String messageId, String envelopeFrom, List<String> recipients, Instant enqueuedAt,
            int attempts, Instant now) {
        return new OutboxState(id, messageId, envelopeFrom, recipients, List.of(), List.of(), enqueuedAt, enqueuedAt, attempts,
                now, null, false);
    }

    /**
     * After an attempt: one more attempt, {@code accepted} join the delivered, {@code refused} the
     * rejected, {@code stillPending} are left to try, {@code error} is the last failure.
     */
    OutboxState attempted(List<String> stillPending, List<String> accepted, List<String> refused, String error) {
        return new OutboxState(id, messageId, envelopeFrom, stillPending, join(delivered, accepted), join(rejected, refused),
                enqueuedAt, ageFrom, attempts + 1, nextAttemptAt, error, false);
    }

    /** Waiting for the next attempt at {@code next}. */
    OutboxState waitingUntil(Instant next) {
        return new OutboxState(id, messageId, envelopeFrom, pending, delivered, rejected, enqueuedAt, ageFrom, attempts, next,
                lastError, false);
    }

    /** A dead letter, not delivered to {@code undelivered} (the pending and the rejected), for {@code error}. */
    OutboxState dead(List<String> undelivered, String error) {
        return new OutboxState(id, messageId, envelopeFrom, undelivered, delivered, List.of(), enqueuedAt, ageFrom, attempts,
                nextAttemptAt, error, true);
    }

    /** Due now again; a dead letter gets a new maximum age from now. */
    OutboxState retryNow(Instant now) {
        return new OutboxState(id, messageId, envelopeFrom, pending, delivered, rejected, enqueuedAt, dead ? now : ageFrom,
                attempts, now, lastError, false);
    }

    private static List<String> join(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    OutboxEntry toEntry(boolean sending) {
        OutboxEntry.State state = dead ? OutboxEntry.State.DEAD
                : sending ? OutboxEntry.State.SENDING
                : attempts == 0 ? OutboxEntry.State.QUEUED : OutboxEntry.State.WAITING;
        return OutboxEntry.builder().id(id).messageId(messageId).state(state).attempts(attempts).enqueuedAt(enqueuedAt)
                .nextAttemptAt(dead ? null : nextAttemptAt).lastError(lastError).pendingRecipients(pending).build();
    }

    void writeTo(OutputStream out) throws IOException {
        Properties p = new Properties();
        p.setProperty("format", FORMAT);
        p.setProperty("id", id);
        p.setProperty("messageId", messageId);
        p.setProperty("envelopeFrom", envelopeFrom);
        putList(p, "pending", pending);
        putList(p, "delivered", delivered);
        putList(p, "rejected", rejected);
        p.setProperty("enqueuedAt", enqueuedAt.toString());
        p.setProperty("ageFrom", ageFrom.toString());
        p.setProperty("attempts", Integer.toString(attempts));
        p.setProperty("nextAttemptAt", nextAttemptAt.toString());
        if (lastError != null) {
            p.setProperty("lastError", lastError);
        }
        p.setProperty("dead", Boolean.toString(dead));
        p.store(out, null);
    }

    /** @throws IOException when the file is not a state file of this format (names the field) */
    static OutboxState readFrom(InputStream in) throws IOException {
        Properties p = new Properties();
        p.load(in);
        if (!FORMAT.equals(p.getProperty("format"))) {
            throw new IOException("unknown format " + p.getProperty("format"));
        }
        try {
            return new OutboxState(required(p, "id"), required(p, "messageId"), required(p, "envelopeFrom"),
                    list(p, "pending"), list(p, "delivered"), list(p, "rejected"),
                    Instant.parse(required(p, "enqueuedAt")), Instant.parse(required(p, "ageFrom")),
                    Integer.parseInt(required(p, "attempts")), Instant.parse(required(p, "nextAttemptAt")),
                    p.getProperty("lastError"), Boolean.parseBoolean(required(p, "dead")));
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IOException("unreadable value: " + e.getMessage(), e);
        }
    }

    private static void putList(Properties p, String key, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            p.setProperty(key + "." + i, values.get(i));
        }
    }

    private static List<String> list(Properties p, String key) {
        List<String> values = new ArrayList<>();
        for (int i = 0; p.getProperty(key + "." + i) != null; i++) {
            values.add(p.getProperty(key + "." + i));
        }
        return values;
    }

    private static String required(Properties p, String key) throws IOException {
        String value = p.getProperty(key);
        if (value == null) {
            throw new IOException("missing " + key);
        }
        return value;
    }

    @Override
    public String toString() {
        return "OutboxState[" + id + ", " + messageId + ", attempts=" + attempts + ", pending=" + pending.size()
                + (dead ? ", dead" : ", next=" + nextAttemptAt) + "]";
    }
}
