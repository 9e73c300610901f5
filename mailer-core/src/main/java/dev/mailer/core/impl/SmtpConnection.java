package dev.mailer.core.impl;

import java.time.Duration;
import java.time.Instant;

import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.mail.MessagingException;

/**
 * One open, logged-in SMTP connection ({@link SmtpConnector#open}) and what the
 * {@link SmtpConnectionPool} needs to know to reuse or retire it: when it was opened, when it was last
 * used, how many messages it carried, and the access token it logged in with. Used by one thread at a
 * time (the pool hands it over under its lock); {@link #toString()} shows no token.
 */
final class SmtpConnection {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpConnection.class);

    /** A connection is retired this long before its access token expires at most (less for tokens that live shorter). */
    static final Duration TOKEN_EXPIRY_MARGIN = Duration.ofSeconds(60);

    final SMTPTransport transport;
    /** The access token it logged in with; null without OAuth. */
    private final String token;
    /** The protocol trace of debug.email=true, or null; it ends with the connection. */
    private final RedactingDebugLog trace;
    private final String server;
    private final Instant openedAt;
    /** When the token it logged in with expires (null: unknown or no token). */
    private final Instant tokenExpiry;
    private Instant lastUsed;
    private int conversations;
    /** The last conversation did not end with a 250 (a failed transaction): RSET before the next. */
    private boolean needsReset;

    SmtpConnection(SMTPTransport transport, String token, Instant tokenExpiry, RedactingDebugLog trace, String server, Instant now) {
        this.transport = transport;
        this.token = token;
        this.tokenExpiry = tokenExpiry;
        this.trace = trace;
        this.server = server;
        this.openedAt = now;
        this.lastUsed = now;
    }

    /** Whether a conversation ran on it before: only then may a failure mean the server dropped it meanwhile. */
    boolean reused() {
        return conversations > 0;
    }

    /** After a conversation (also a failed one the connection survived). */
    void used(Instant now) {
        conversations++;
        lastUsed = now;
        needsReset = transport.getLastReturnCode() != 250;
    }

    /**
     * When it may carry no more messages: at {@code maxAge}, and before its token expires, by
     * {@link #TOKEN_EXPIRY_MARGIN} or, for a token that had less than four times that left at login, a
     * quarter of what it had (after the token provider's own renewal, which comes at half the lifetime
     * of a short-lived token at the latest, so that one connection serves the whole of a token's use).
     */
    Instant retireAt(Duration maxAge) {
        Instant byAge = openedAt.plus(maxAge);
        if (tokenExpiry == null) {
            return byAge;
        }
        Duration left = Duration.between(openedAt, tokenExpiry);
        Duration margin = left.isNegative() ? Duration.ZERO : min(TOKEN_EXPIRY_MARGIN, left.dividedBy(4));
        Instant byToken = tokenExpiry.minus(margin);
        return byToken.isBefore(byAge) ? byToken : byAge;
    }

    /** Whether it may carry another message now, as far as the pool's limits go. */
    boolean reusable(Instant now, SmtpSettings settings) {
        return conversations < settings.poolMaxMessages && now.isBefore(idleUntil(settings));
    }

    /** Whether it logged in with {@code currentToken}, the sender's access token now (null without OAuth). */
    boolean loggedInWith(String currentToken) {
        return token == null || token.equals(currentToken);
    }

    /** When it is closed if it stays unused. */
    Instant idleUntil(SmtpSettings settings) {
        Instant byIdle = lastUsed.plus(settings.poolIdleTimeout);
        Instant retire = retireAt(settings.poolMaxAge);
        return retire.isBefore(byIdle) ? retire : byIdle;
    }

    /**
     * Makes it ready for the next message: {@code RSET} after a failed transaction, else {@code NOOP}
     * when it was idle for longer than {@code checkAfterIdle}. Nothing of a message goes out here.
     *
     * @return false when the server did not answer 250: it is to be closed
     */
    boolean readyForNext(Instant now, Duration checkAfterIdle) {
        String command = needsReset ? "RSET" : Duration.between(lastUsed, now).compareTo(checkAfterIdle) > 0 ? "NOOP" : null;
        if (command == null) {
            return true;
        }
        try {
            int code = transport.simpleCommand(command);
            needsReset = code != 250;
            return code == 250;
        } catch (MessagingException e) {
            LOG.debug("The idle connection to {} did not answer {}; a new one is opened", server, command, e);
            return false;
        }
    }

    /**
     * Ends it: {@code QUIT}, then close. A failure is only logged: whatever the server accepted on it
     * stands (a message it answered 250 to is on its way).
     */
    void close() {
        try {
            transport.close();
        } catch (MessagingException e) {
            LOG.debug("Closing the connection to {} failed after its conversations completed; their results stand", server, e);
        } finally {
            closeTrace();
        }
    }

    /** Closes it after {@code failure}; a failure to close goes with the first. */
    void closeAfter(Exception failure) {
        try {
            transport.close();
        } catch (MessagingException e) {
            failure.addSuppressed(e);
        } finally {
            closeTrace();
        }
    }

    private void closeTrace() {
        if (trace != null) {
            trace.close();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public String toString() {
        return "SmtpConnection[" + server + ", opened " + openedAt + ", " + conversations + " conversation(s)"
                + (tokenExpiry == null ? "" : ", token expires " + tokenExpiry) + "]";
    }
}
