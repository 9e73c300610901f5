package dev.mailer.core.impl;

import java.io.IOException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

import jakarta.mail.MessagingException;

/**
 * A send failed before the message's content went out ({@link TrackedMessage#sendOn}) because the
 * connection is gone (end of stream, a network error, {@code 421}) or its login is ({@code 530} or
 * {@code 535} to {@code MAIL FROM}, e.g. once the token it logged in with expired). On a reused
 * connection this is what a server that dropped an idle connection looks like, and the message goes
 * out on a new one; on a new connection it is reported as {@link #original()} says.
 */
final class ConnectionLost extends MessagingException {

    private static final long serialVersionUID = 1L;

    /** Angus's code when the server closed the connection instead of replying. */
    private static final int END_OF_STREAM = -1;
    /** RFC 5321: service not available, closing the transmission channel. */
    private static final int CLOSING = 421;

    /** Whether the server refused the login of the connection, not the connection itself. */
    final boolean loginLost;

    private ConnectionLost(MessagingException original, boolean loginLost) {
        super(original.getMessage(), original);
        this.loginLost = loginLost;
    }

    /** What Angus threw. */
    MessagingException original() {
        return (MessagingException) getNextException();
    }

    /** The loss {@code e} (thrown before the content went out) shows, or null when it is a reply about the message. */
    static ConnectionLost of(MessagingException e) {
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = e; t != null && seen.add(t); t = next(t)) {
            if (t instanceof IOException) {
                return new ConnectionLost(e, false);
            }
            int code = t instanceof SMTPSendFailedException ? ((SMTPSendFailedException) t).getReturnCode()
                    : t instanceof SMTPAddressFailedException ? ((SMTPAddressFailedException) t).getReturnCode() : 0;
            if (code == END_OF_STREAM || code == CLOSING) {
                return new ConnectionLost(e, false);
            }
            if ((code == 530 || code == 535) && t instanceof SMTPSendFailedException
                    && String.valueOf(((SMTPSendFailedException) t).getCommand()).toUpperCase(Locale.ROOT).startsWith("MAIL FROM")) {
                return new ConnectionLost(e, true);
            }
        }
        return null;
    }

    private static Throwable next(Throwable t) {
        if (t instanceof MessagingException && ((MessagingException) t).getNextException() != null) {
            return ((MessagingException) t).getNextException();
        }
        return t.getCause();
    }
}
