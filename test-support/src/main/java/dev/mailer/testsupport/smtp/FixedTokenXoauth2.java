package dev.mailer.testsupport.smtp;

import java.io.IOException;

/**
 * SASL XOAUTH2 for tests without an OAuth2 server: accepts the user of
 * {@link TestSmtpServer.Builder#credentials} with that password as the bearer token (as GreenMail does).
 * The response may come inline after {@code AUTH XOAUTH2} or, the way long tokens need it, on its own
 * line after an empty {@code 334}. For a server that checks tokens at an OAuth2 server, write a mechanism
 * of its own on {@link Xoauth2Response}.
 */
public final class FixedTokenXoauth2 implements AuthMechanism {

    @Override
    public String name() {
        return "XOAUTH2";
    }

    @Override
    public Result authenticate(String initialResponse, Exchange exchange) throws IOException {
        Xoauth2Response response = Xoauth2Response.parse(initialResponse != null ? initialResponse : exchange.challenge(""));
        if (response == null) {
            return Result.failure(Xoauth2Response.MALFORMED_REPLY);
        }
        return PlainAndLogin.check(response.user(), response.token(), exchange);
    }
}
