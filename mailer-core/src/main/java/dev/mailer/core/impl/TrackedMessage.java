package dev.mailer.core.impl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPTransport;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;

/**
 * A message that knows whether its content started to go out. Angus writes the content only after
 * the server answered {@code 354} to {@code DATA}; a send that failed before cannot have delivered
 * it, so on a reused connection the server dropped meanwhile it can go out again on a new one
 * ({@link ConnectionLost}) without the risk of a duplicate. Used by one thread at a time.
 */
final class TrackedMessage extends SMTPMessage {

    private boolean contentStarted;

    TrackedMessage(Session session) {
        super(session);
    }

    /** Parses {@code mime}, which is written back unchanged. */
    TrackedMessage(Session session, InputStream mime) throws MessagingException {
        super(session, mime);
    }

    @Override
    public void writeTo(OutputStream out, String[] ignoreList) throws IOException, MessagingException {
        contentStarted = true;
        super.writeTo(out, ignoreList);
    }

    /**
     * Sends it to {@code recipients} on {@code transport}.
     *
     * @throws ConnectionLost when it failed before its content went out because the connection or its
     *         login is gone; any other failure as Angus threw it
     */
    void sendOn(SMTPTransport transport, Address[] recipients) throws MessagingException {
        contentStarted = false;
        try {
            transport.sendMessage(this, recipients);
        } catch (MessagingException e) {
            ConnectionLost lost = contentStarted ? null : ConnectionLost.of(e);
            throw lost != null ? lost : e;
        }
    }
}
