package dev.mailer.api;

import java.util.Optional;

/**
 * A message was not sent. Says why, and whether sending it again later can help:
 * <ul>
 * <li>{@linkplain #isTransient() transient}: a 4xx reply, a timeout, a lost connection, a token
 * endpoint that is down. The same message may succeed later.</li>
 * <li>permanent: a 5xx reply, a refused login, an invalid configuration or address. Sending again
 * without changing something fails the same way.</li>
 * </ul>
 * The message text combines a summary, the server's reply when there is one ({@link #getSummary()}
 * has these two), and a diagnosis that names the setting to look at and what to do. It never contains passwords or tokens.
 */
public class MailException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean transientFailure;
    private final String summary;
    private final int replyCode;
    private final String enhancedStatus;
    private final String serverReply;
    private final String diagnosis;
    private final String setting;

    private MailException(Builder b) {
        super(compose(summary(b), b.diagnosis), b.cause);
        this.transientFailure = b.transientFailure;
        this.summary = summary(b);
        this.replyCode = b.replyCode;
        this.enhancedStatus = b.enhancedStatus;
        this.serverReply = b.serverReply;
        this.diagnosis = b.diagnosis;
        this.setting = b.setting;
    }

    /** Starts a failure that may succeed when tried again later. */
    public static Builder transientFailure(String summary) {
        return new Builder(summary, true);
    }

    /** Starts a failure that will happen again unless something is changed. */
    public static Builder permanentFailure(String summary) {
        return new Builder(summary, false);
    }

    /** True when trying again later may succeed (4xx reply, timeout, connection lost). */
    public boolean isTransient() {
        return transientFailure;
    }

    /**
     * What failed, with the server's reply when there is one: the message without the diagnosis, for
     * showing the two apart.
     *
     * @since 1.1
     */
    public String getSummary() {
        return summary;
    }

    /** The SMTP reply code (e.g. 535), or 0 when the failure was not an SMTP reply. */
    public int getReplyCode() {
        return replyCode;
    }

    /** The RFC 3463 enhanced status code of the reply (e.g. {@code 5.7.8}), if the server sent one. */
    public Optional<String> getEnhancedStatus() {
        return Optional.ofNullable(enhancedStatus);
    }

    /** The server's reply text as received, if the failure was a server reply. */
    public Optional<String> getServerReply() {
        return Optional.ofNullable(serverReply);
    }

    /** What probably caused the failure and what to do about it. */
    public Optional<String> getDiagnosis() {
        return Optional.ofNullable(diagnosis);
    }

    /** The configuration property the failure is about (e.g. {@code smtp.port}), if one is. */
    public Optional<String> getSetting() {
        return Optional.ofNullable(setting);
    }

    private static String summary(Builder b) {
        return b.serverReply == null ? b.summary : b.summary + " Server replied: " + b.serverReply.strip();
    }

    private static String compose(String summary, String diagnosis) {
        return diagnosis == null ? summary : summary + ' ' + diagnosis;
    }

    /** Builds a {@link MailException}. */
    public static final class Builder {
        private final String summary;
        private final boolean transientFailure;
        private int replyCode;
        private String enhancedStatus;
        private String serverReply;
        private String diagnosis;
        private String setting;
        private Throwable cause;

        private Builder(String summary, boolean transientFailure) {
            if (summary == null || summary.isBlank()) {
                throw new IllegalArgumentException("summary must not be empty");
            }
            this.summary = summary.strip();
            this.transientFailure = transientFailure;
        }

        public Builder replyCode(int code) {
            this.replyCode = code;
            return this;
        }

        public Builder enhancedStatus(String status) {
            this.enhancedStatus = status;
            return this;
        }

        public Builder serverReply(String reply) {
            this.serverReply = reply;
            return this;
        }

        public Builder diagnosis(String text) {
            this.diagnosis = text;
            return this;
        }

        public Builder setting(String property) {
            this.setting = property;
            return this;
        }

        public Builder cause(Throwable t) {
            this.cause = t;
            return this;
        }

        public MailException build() {
            return new MailException(this);
        }
    }
}
