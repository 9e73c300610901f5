package dev.mailer.core.impl;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.MailException;

/**
 * Moves what the local outbox holds into another queue (Sling Jobs, once a JobManager is there): each
 * waiting message under its lock, removed from the local outbox only after the other queue took it, so
 * that nothing is lost (a crash in between leaves it in both: sent twice at worst, with the same
 * Message-ID). Dead letters stay where they are, for an operator to retry or purge on the local outbox
 * (the log says how many). Thread-safe as the store is.
 */
final class OutboxMigration {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxMigration.class);

    /** Takes one message: its MIME bytes (as sent), envelope, and where its maximum age counts from. */
    @FunctionalInterface
    interface Target {
        void add(byte[] mime, String messageId, String envelopeFrom, List<String> recipients, Instant ageFrom)
                throws MailException;
    }

    /** What one migration did. */
    static final class Result {
        final int moved;
        final int failed;
        final int deadLeft;

        Result(int moved, int failed, int deadLeft) {
            this.moved = moved;
            this.failed = failed;
            this.deadLeft = deadLeft;
        }
    }

    private OutboxMigration() {
    }

    /** Moves every waiting message of {@code store} to {@code target}; logs how many moved (once, when there were any). */
    static Result move(OutboxStore store, Target target, String targetName) {
        int moved = 0;
        int failed = 0;
        int dead = 0;
        for (OutboxState listed : store.list()) {
            if (listed.dead) {
                dead++;
                continue;
            }
            Optional<OutboxStore.Lease> locked;
            try {
                locked = store.tryLock(listed.id);
            } catch (IOException e) {
                LOG.warn("Cannot lock outbox message {} in {} to move it to {}: {}; it stays", listed.id, store.directory(),
                        targetName, e.toString());
                failed++;
                continue;
            }
            if (locked.isEmpty()) {
                continue; // delivered meanwhile, or another process holds it
            }
            try (OutboxStore.Lease lease = locked.get()) {
                OutboxState state = lease.state();
                target.add(lease.mime(), state.messageId, state.envelopeFrom, state.pending, state.ageFrom);
                lease.remove();
                moved++;
            } catch (IOException | MailException e) {
                LOG.warn("Cannot move outbox message {} in {} to {}: {}; it stays in the local outbox", listed.id,
                        store.directory(), targetName, e.getMessage());
                failed++;
            }
        }
        if (moved > 0 || failed > 0 || dead > 0) {
            LOG.info("Moved {} message(s) from the local outbox {} to {}{}{}", moved, store.directory(), targetName,
                    failed == 0 ? "" : "; " + failed + " could not be moved and stay there (moved at the next activation)",
                    dead == 0 ? "" : "; " + dead + " dead letter(s) stay there (java -jar mailer.jar queue on that folder,"
                            + " or delete them)");
        }
        return new Result(moved, failed, dead);
    }
}
