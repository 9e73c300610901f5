package dev.mailer.bench;

import java.io.IOException;
import java.net.URI;

import dev.mailer.testsupport.smtp.AuthMechanism;
import dev.mailer.testsupport.smtp.Xoauth2Response;

/**
 * XOAUTH2 as a submission server does it: every login asks the token server whether the bearer
 * token is active (RFC 7662 introspection), so a login costs an HTTP round trip, as in production.
 */
final class IntrospectingXoauth2 implements AuthMechanism {

    private final TokenClient client = new TokenClient();
    private final URI introspection;

    IntrospectingXoauth2(URI introspection) {
        this.introspection = introspection;
    }

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
        return client.isActive(introspection, response.token()) ? Result.success(response.user()) : Result.invalidCredentials();
    }
}
