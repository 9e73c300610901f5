package dev.mailer.core.impl;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

import org.eclipse.angus.mail.smtp.SMTPTransport;

import dev.mailer.api.MailException;
import dev.mailer.commons.sasl.Xoauth2ClientResponse;
import jakarta.mail.MessagingException;

/**
 * SASL XOAUTH2 on a connected transport. The initial response goes on a line of its own after
 * the server's {@code 334}, never inline with {@code AUTH XOAUTH2}: access tokens of 1-2.5 KB make
 * that line too long for servers that limit command lines to about 1000 bytes. A failure that the
 * server first answers with {@code 334 <base64 JSON>} is acknowledged with an empty line, and the
 * decoded JSON goes into the diagnosis. (Angus's own XOAUTH2 does neither.) The response never
 * reaches Angus's protocol trace ({@link UntracedCommand}).
 */
final class Xoauth2 {

    private Xoauth2() {
    }

    /** The server refused the token: worth one retry with a fresh token. */
    static final class TokenRejectedException extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;
        final String reply;
        final String errorJson;

        TokenRejectedException(int code, String reply, String errorJson) {
            super(reply);
            this.code = code;
            this.reply = reply;
            this.errorJson = errorJson;
        }
    }

    /** True when the EHLO {@code AUTH} parameter (e.g. "LOGIN XOAUTH2"; null: no AUTH) lists XOAUTH2. */
    static boolean offered(String mechanisms) {
        return mechanisms != null && (" " + mechanisms.toUpperCase(Locale.ROOT) + " ").contains(" XOAUTH2 ");
    }

    /** @param debugOut the debug.email trace of this connection, or null when it is off */
    static void authenticate(SMTPTransport transport, SmtpSettings settings, String token, PrintStream debugOut)
            throws MessagingException, MailException, TokenRejectedException {
        String mechanisms = transport.getExtensionParameter("AUTH");
        if (!offered(mechanisms)) {
            throw SmtpFailures.xoauth2NotOffered(mechanisms, settings).nothingSent().toMailException(null);
        }
        int code = transport.simpleCommand("AUTH XOAUTH2");
        if (code != 334) {
            rejected(transport, code, null);
        }
        code = UntracedCommand.simpleCommand(transport, Xoauth2ClientResponse.base64(settings.user, token), debugOut);
        if (code == 235) {
            return;
        }
        String errorJson = null;
        if (code == 334) {
            // RFC 7628 style error: the server wants an empty line before it sends the final reply
            errorJson = decode(transport.getLastServerResponse());
            code = transport.simpleCommand("");
        }
        rejected(transport, code, errorJson);
    }

    /** Always throws: {@link TokenRejectedException} for a refused token, else a {@link MailException}. */
    private static void rejected(SMTPTransport transport, int code, String errorJson) throws TokenRejectedException, MailException {
        String reply = String.valueOf(transport.getLastServerResponse()).strip();
        if (code == 535 || code == 534 || code == 530) {
            throw new TokenRejectedException(code, reply, errorJson);
        }
        MailException.Builder failure = code >= 400 && code < 500
                ? MailException.transientFailure("The server could not run AUTH XOAUTH2 right now.")
                : MailException.permanentFailure("The server refused AUTH XOAUTH2.");
        throw failure.replyCode(code).serverReply(reply)
                .diagnosis(errorJson == null ? null : "Server detail: " + errorJson).build();
    }

    private static String decode(String reply) {
        String payload = reply == null || reply.length() < 4 ? "" : reply.substring(4).strip();
        try {
            return new String(Base64.getDecoder().decode(payload), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return payload;
        }
    }
}
