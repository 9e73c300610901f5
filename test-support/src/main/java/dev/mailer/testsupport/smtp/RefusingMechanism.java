package dev.mailer.testsupport.smtp;

import java.io.IOException;

/**
 * A mechanism that takes the client's one response (after an empty {@code 334} when the AUTH line
 * carries none, as XOAUTH2 clients do for long tokens) and refuses it with a scripted reply, whatever
 * it was: a server on which this login cannot succeed, e.g. Office 365's
 * {@code 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.}
 * For mechanisms with a single response, such as PLAIN and XOAUTH2; use it with
 * {@link TestSmtpServer.Builder#authenticateOnlyWith}.
 */
public final class RefusingMechanism implements AuthMechanism {

    private final String name;
    private final String reply;

    /**
     * @param name  the mechanism EHLO offers, e.g. {@code XOAUTH2}
     * @param reply the server's final answer, e.g. {@code 535 5.7.8 Authentication credentials invalid}
     */
    public RefusingMechanism(String name, String reply) {
        if (reply.startsWith("2") || reply.startsWith("3")) {
            throw new IllegalArgumentException("a refusal is a 4xx or 5xx reply, not " + reply);
        }
        this.name = name;
        this.reply = reply;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Result authenticate(String initialResponse, Exchange exchange) throws IOException {
        if (initialResponse == null) {
            exchange.challenge("");
        }
        return Result.failure(reply);
    }
}
