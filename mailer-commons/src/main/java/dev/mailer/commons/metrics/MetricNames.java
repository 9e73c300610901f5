package dev.mailer.commons.metrics;

/**
 * The names of the metrics our bundles report through {@link Metrics}; the README's "Metrics"
 * section describes each. All start with {@code mailer.}.
 */
public final class MetricNames {

    /** Counter: messages the SMTP server accepted, sent with {@code MailService.send} or delivered from the outbox. */
    public static final String MESSAGES_SENT = "mailer.messages.sent";

    /** Counter: messages not sent: {@code MailService.send} threw, or an outbox message became a dead letter. */
    public static final String MESSAGES_FAILED = "mailer.messages.failed";

    /** Counter: outbox delivery attempts that failed transiently, after which the message waits for its next attempt. */
    public static final String MESSAGES_RETRIED = "mailer.messages.retried";

    /** Timer: each send attempt (connection, login and transfer), whether it succeeded or not. */
    public static final String SEND_TIME = "mailer.send.time";

    /** Counter: access tokens obtained from the token endpoint. */
    public static final String TOKEN_RENEWALS = "mailer.token.renewals";

    /** Counter: token requests that failed (the endpoint refused, did not answer, or no refresh token was there to send). */
    public static final String TOKEN_FAILURES = "mailer.token.failures";

    /** Gauge: seconds until the cached access token expires; 0 when none is cached or it has expired. */
    public static final String TOKEN_EXPIRY_SECONDS = "mailer.token.expiry.seconds";

    private MetricNames() {
    }
}
