package dev.mailer.api.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import org.osgi.annotation.versioning.ProviderType;

/** The entries of an {@link Outbox} at one moment, oldest first, with the figures a health check wants. Immutable. */
@ProviderType
public final class OutboxSnapshot {

    private final Instant takenAt;
    private final List<OutboxEntry> entries;

    public OutboxSnapshot(Instant takenAt, List<OutboxEntry> entries) {
        this.takenAt = Objects.requireNonNull(takenAt, "takenAt");
        this.entries = entries.stream().sorted(Comparator.comparing(OutboxEntry::getEnqueuedAt)).collect(Collectors.toUnmodifiableList());
    }

    /** When the snapshot was taken. */
    public Instant getTakenAt() {
        return takenAt;
    }

    /** Every entry, dead letters included, oldest first. */
    public List<OutboxEntry> getEntries() {
        return entries;
    }

    /** How many messages are still to be delivered (queued, sending or waiting; not the dead letters). */
    public int getDepth() {
        return (int) entries.stream().filter(e -> e.getState() != OutboxEntry.State.DEAD).count();
    }

    /** How many dead letters there are. */
    public int getDeadCount() {
        return entries.size() - getDepth();
    }

    /** How long the oldest message still to be delivered has been in the outbox; empty when there is none. */
    public Optional<Duration> getOldestAge() {
        return entries.stream().filter(e -> e.getState() != OutboxEntry.State.DEAD)
                .map(OutboxEntry::getEnqueuedAt).findFirst()
                .map(at -> at.isAfter(takenAt) ? Duration.ZERO : Duration.between(at, takenAt));
    }

    @Override
    public String toString() {
        return "OutboxSnapshot[depth=" + getDepth() + ", dead=" + getDeadCount() + ", oldestAge=" + getOldestAge().orElse(null) + "]";
    }
}
