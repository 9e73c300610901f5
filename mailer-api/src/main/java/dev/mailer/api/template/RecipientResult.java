package dev.mailer.api.template;

import java.util.Objects;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import dev.mailer.api.QueuedMail;
import dev.mailer.api.SendResult;

/** What became of one recipient's mail in a {@link TemplatedMail} call. Immutable. */
@ProviderType
public final class RecipientResult {

    /** The outcome for one recipient. */
    public enum Status {
        /** The SMTP server accepted the mail. */
        SENT,
        /** The mail is durably in the outbox, which delivers it. */
        QUEUED,
        /** The mail was neither sent nor queued; {@link #getReason()} says why. */
        FAILED
    }

    private final String recipient;
    private final Status status;
    private final SendResult sendResult;
    private final QueuedMail queuedMail;
    private final String reason;
    private final Exception failure;

    private RecipientResult(String recipient, Status status, SendResult sendResult, QueuedMail queuedMail, String reason,
            Exception failure) {
        this.recipient = Objects.requireNonNull(recipient, "recipient");
        this.status = status;
        this.sendResult = sendResult;
        this.queuedMail = queuedMail;
        this.reason = reason;
        this.failure = failure;
    }

    public static RecipientResult sent(String recipient, SendResult result) {
        return new RecipientResult(recipient, Status.SENT, Objects.requireNonNull(result, "result"), null, null, null);
    }

    public static RecipientResult queued(String recipient, QueuedMail queued) {
        return new RecipientResult(recipient, Status.QUEUED, null, Objects.requireNonNull(queued, "queued"), null, null);
    }

    /** @param failure the {@code MailException} or {@code IllegalArgumentException}; its message is the reason */
    public static RecipientResult failed(String recipient, Exception failure) {
        return new RecipientResult(recipient, Status.FAILED, null, null, String.valueOf(failure.getMessage()), failure);
    }

    /** The recipient as given. */
    public String getRecipient() {
        return recipient;
    }

    public Status getStatus() {
        return status;
    }

    /** True when the mail was sent or queued. */
    public boolean isAccepted() {
        return status != Status.FAILED;
    }

    /** The server's reply, for {@link Status#SENT}. */
    public Optional<SendResult> getSendResult() {
        return Optional.ofNullable(sendResult);
    }

    /** The outbox entry, for {@link Status#QUEUED}. */
    public Optional<QueuedMail> getQueuedMail() {
        return Optional.ofNullable(queuedMail);
    }

    /** Why the mail failed (the exception's message: the cause and what to do), for {@link Status#FAILED}. */
    public Optional<String> getReason() {
        return Optional.ofNullable(reason);
    }

    /** The exception behind {@link #getReason()}, for {@link Status#FAILED}. */
    public Optional<Exception> getFailure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public String toString() {
        return "RecipientResult[" + recipient + ", " + status + (reason == null ? "" : ": " + reason) + "]";
    }
}
