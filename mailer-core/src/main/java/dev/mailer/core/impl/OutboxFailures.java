package dev.mailer.core.impl;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.mailer.api.MailException;
import dev.mailer.commons.config.ServiceName;
import dev.mailer.commons.crypto.CipherException;

/** The one source of the outbox's failure texts: what was not queued or not delivered, and what to do. */
final class OutboxFailures {

    private OutboxFailures() {
    }

    /** The outbox directory could not be written: nothing was queued. */
    static MailException notWritten(Path directory, Exception e) {
        return MailException.transientFailure("The outbox directory " + directory + " cannot be written ("
                + e.getClass().getSimpleName() + ": " + e.getMessage() + "); nothing was queued.")
                .diagnosis("Check that the disk has space and that the directory is writable by this process"
                        + " (it is in the bundle data area, under MAILER_DATA_DIR for the launcher).")
                .cause(e).build();
    }

    /** The message could not be encrypted for the outbox: nothing was queued. */
    static MailException notEncrypted(CipherException e) {
        return MailException.transientFailure("The message " + e.getMessage() + " for the outbox; nothing was queued.")
                .diagnosis("Check the CryptoService (its log), or use send().")
                .build();
    }

    /**
     * A message's MIME file is encrypted and cannot be decrypted now: no CryptoService, or another key.
     * Transient: once the key is back it is delivered with the next retry, and until then the outbox
     * shows why it waits.
     */
    static MailException notDecrypted(Path file, CipherException e) {
        return MailException.transientFailure("The outbox message " + file + " is encrypted, but it " + e.getMessage()
                + "; it stays queued.")
                .diagnosis(RESTORE_KEY + "; the next retry (or `queue retry ID`) delivers it.")
                .build();
    }

    /** What {@link OutboxStore#reseal} could not do: the message stays as it was. */
    static String notReencrypted(Path file, IOException e) {
        return "The outbox message " + file + (e instanceof CipherException ? " is encrypted, but it " + e.getMessage() + ". "
                + RESTORE_KEY : " cannot be rewritten (" + e + ")") + "; it stays as it was.";
    }

    private static final String RESTORE_KEY = "Restore the key it was encrypted with (java -jar mailer.jar: mailer.key in the"
            + " secrets directory, during a key rotation also mailer.key.previous)";

    /** The message is larger than outbox.message.max.size. */
    static MailException tooLarge(long size, long limit) {
        return MailException.permanentFailure("The message is " + size + " bytes, larger than the limit of " + limit
                + " bytes (" + SmtpSettings.OUTBOX_MESSAGE_MAX_SIZE + "); nothing was queued.")
                .setting(SmtpSettings.OUTBOX_MESSAGE_MAX_SIZE)
                .diagnosis("Send smaller attachments (a link instead of the file), or raise "
                        + SmtpSettings.OUTBOX_MESSAGE_MAX_SIZE + " if the server accepts more.")
                .build();
    }

    /** The message is larger than the SIZE the server announced in EHLO. */
    static MailException tooLargeForServer(long size, long serverLimit, SmtpSettings settings) {
        return MailException.permanentFailure("The message is " + size + " bytes, larger than the " + serverLimit
                + " bytes the server " + settings.server() + " accepts (its EHLO SIZE); nothing was queued.")
                .diagnosis("Send smaller attachments (a link instead of the file).")
                .build();
    }

    /** Transient failures for longer than outbox.max.age: the message becomes a dead letter. */
    static MailException expired(MailException last, Duration maxAge, int attempts) {
        return MailException.permanentFailure("Not delivered after " + attempts + " attempts over " + maxAge
                + " (" + SmtpSettings.OUTBOX_MAX_AGE + "); the message is a dead letter. Last failure: " + last.getSummary())
                .replyCode(last.getReplyCode()).enhancedStatus(last.getEnhancedStatus().orElse(null))
                .setting(SmtpSettings.OUTBOX_MAX_AGE)
                .diagnosis(last.getDiagnosis().orElse("Check the server and the configuration, then retry it from the outbox."))
                .cause(last).build();
    }

    /** An operator purged the message from the outbox. */
    static MailException purged(String id) {
        return MailException.permanentFailure("The message " + id + " was purged from the outbox without being delivered"
                + " to every recipient.").build();
    }

    /** enqueue without a bundle data area (a framework without file system support). */
    /**
     * An enqueue on a mail service that DS has stopped: replaced by a new instance (a JobManager or CryptoService came
     * or went), or its bundle is stopping. The caller held on to the old instance, whose outbox nobody delivers from.
     */
    static MailException serviceStopped(ServiceName name) {
        return MailException.transientFailure("The mail service " + name + " has stopped (a service it uses came or went,"
                + " or its bundle is stopping); this message was not queued.")
                .diagnosis("Get the MailService again (a DS reference does) and send the message again: the instance that"
                        + " replaces this one takes it.").build();
    }

    static MailException noDataArea() {
        return MailException.permanentFailure("The mail service has no outbox: the framework gives its bundle no data area;"
                + " nothing was queued.")
                .diagnosis("Run the framework with a storage directory (org.osgi.framework.storage), or use send().").build();
    }

    /** Recipients the server refused, as recorded (the reply of the last refusal). */
    static MailException recipientsRefused(List<String> recipients, String lastError) {
        return MailException.permanentFailure("Not delivered to " + String.join(", ", recipients) + "."
                + (lastError == null ? "" : " Last failure: " + lastError)).build();
    }

    /** A job's MIME bytes are encrypted and cannot be decrypted now: retried, as {@link #notDecrypted} for a file. */
    static MailException jobNotDecrypted(String jobId, CipherException e) {
        return MailException.transientFailure("The outbox job " + jobId + " is encrypted, but it " + e.getMessage()
                + "; it stays queued.")
                .diagnosis(RESTORE_KEY + "; the job's next retry delivers it.")
                .build();
    }

    /** A job of the mail service's topic without the properties of a message: it cannot be delivered. */
    static String unreadableJob(String jobId, String topic, String problem) {
        return "The job " + jobId + " of the topic " + topic + " is not a message of the mail service (" + problem
                + "); it is cancelled. Jobs of this topic are added by the mail service only.";
    }

    /** JobManager.addJob refused the message (it returns null and logs why). */
    static MailException jobNotAdded(String topic) {
        return MailException.transientFailure("Sling Jobs did not take the message for the topic " + topic
                + "; nothing was queued.")
                .diagnosis("Check the log of org.apache.sling.event (the repository under /var/eventing must be writable),"
                        + " or use send().")
                .build();
    }

    /** A job another instance of the cluster gave up: its reason as that instance recorded it. */
    static MailException cancelledElsewhere(String id, String reason) {
        return MailException.permanentFailure(reason != null ? reason
                : "The message " + id + " was not delivered: another instance of the cluster cancelled its job.").build();
    }

    /** The configuration is invalid: jobs wait (failed, retried) instead of becoming dead letters. */
    static String waitingForValidConfiguration(String problem) {
        return "Not attempted: the mail service's configuration is invalid (" + problem + "); retried once it is fixed.";
    }

    /** The mail service stops (reconfiguration, deactivation) while the job waited for its turn. */
    static String stoppedBeforeAttempt() {
        return "Not attempted: the mail service stopped before it was this message's turn; retried.";
    }
}
