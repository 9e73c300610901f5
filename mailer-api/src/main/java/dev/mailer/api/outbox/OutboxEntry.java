package dev.mailer.api.outbox;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** One message in the {@link Outbox} as it stood when the snapshot was taken. Immutable. */
@ProviderType
public final class OutboxEntry {

    /** Where a message stands. */
    public enum State {
        /** Waiting for its first delivery attempt. */
        QUEUED,
        /** A delivery attempt is running now. */
        SENDING,
        /** An attempt failed transiently; the next one is at {@link OutboxEntry#getNextAttemptAt()}. */
        WAITING,
        /**
         * Not delivered to its {@linkplain OutboxEntry#getPendingRecipients() pending recipients}: a
         * permanent failure, or transient ones for longer than the maximum age. Kept until an operator
         * retries or purges it.
         */
        DEAD
    }

    private final String id;
    private final String messageId;
    private final State state;
    private final int attempts;
    private final Instant enqueuedAt;
    private final Instant nextAttemptAt;
    private final String lastError;
    private final List<String> pendingRecipients;

    private OutboxEntry(Builder b) {
        this.id = requireText(b.id, "id");
        this.messageId = requireText(b.messageId, "messageId");
        this.state = Objects.requireNonNull(b.state, "state");
        if (b.attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative: " + b.attempts);
        }
        this.attempts = b.attempts;
        this.enqueuedAt = Objects.requireNonNull(b.enqueuedAt, "enqueuedAt");
        this.nextAttemptAt = b.nextAttemptAt;
        this.lastError = b.lastError;
        this.pendingRecipients = List.copyOf(b.pendingRecipients);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The outbox id, for {@link Outbox#retry(String)} and {@link Outbox#purge(String)}. */
    public String getId() {
        return id;
    }

    /** The message's {@code Message-ID} header, the same on every attempt. */
    public String getMessageId() {
        return messageId;
    }

    public State getState() {
        return state;
    }

    /** How many delivery attempts were made so far. */
    public int getAttempts() {
        return attempts;
    }

    /** When the message was accepted into the outbox. */
    public Instant getEnqueuedAt() {
        return enqueuedAt;
    }

    /** When the next attempt is due; empty for a dead letter. */
    public Optional<Instant> getNextAttemptAt() {
        return Optional.ofNullable(nextAttemptAt);
    }

    /** Why the last attempt failed (the server's reply and the diagnosis, never a credential); empty before a failure. */
    public Optional<String> getLastError() {
        return Optional.ofNullable(lastError);
    }

    /**
     * The envelope recipients the server has not accepted yet; those it accepted on an earlier attempt
     * are not sent to again. For a dead letter: those it was not delivered to.
     */
    public List<String> getPendingRecipients() {
        return pendingRecipients;
    }

    @Override
    public String toString() {
        return "OutboxEntry[" + id + ", " + messageId + ", " + state + ", attempts=" + attempts
                + ", pending=" + pendingRecipients.size() + (nextAttemptAt == null ? "" : ", next=" + nextAttemptAt) + "]";
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value;
    }

    /** Builds an {@link OutboxEntry}; id, messageId, state and enqueuedAt are required. */
    public static final class Builder {
        private String id;
        private String messageId;
        private State state;
        private int attempts;
        private Instant enqueuedAt;
        private Instant nextAttemptAt;
        private String lastError;
        private List<String> pendingRecipients = List.of();

        private Builder() {
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder messageId(String messageId) {
            this.messageId = messageId;
            return this;
        }

        public Builder state(State state) {
            this.state = state;
            return this;
        }

        public Builder attempts(int attempts) {
            this.attempts = attempts;
            return this;
        }

        public Builder enqueuedAt(Instant at) {
            this.enqueuedAt = at;
            return this;
        }

        public Builder nextAttemptAt(Instant at) {
            this.nextAttemptAt = at;
            return this;
        }

        public Builder lastError(String text) {
            this.lastError = text;
            return this;
        }

        public Builder pendingRecipients(List<String> recipients) {
            this.pendingRecipients = Objects.requireNonNull(recipients, "pendingRecipients");
            return this;
        }

        public OutboxEntry build() {
            return new OutboxEntry(this);
        }
    }
}
