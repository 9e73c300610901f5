package dev.mailer.testsupport.smtp;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Function;

/**
 * SASL XOAUTH2 for tests of token lifetimes: a token is valid while the test's token issuer says
 * so. A token the issuer does not know, or one that has expired, is refused with {@code 535}; a
 * session logged in with a token is refused every later command once that token has expired
 * ({@code AUTH-EXPIRED} in the server's events), as servers that check a session's token do.
 */
public final class ExpiringTokenXoauth2 implements AuthMechanism {

    /** The reply to a token that has expired. */
    public static final String EXPIRED_REPLY = "535 5.7.8 Authentication credentials expired";

    private final Function<String, Instant> expiryOf;
    private final Clock clock;

    /** @param expiryOf the expiry of a token the test issued; null for a token it did not issue */
    public ExpiringTokenXoauth2(Function<String, Instant> expiryOf, Clock clock) {
        this.expiryOf = expiryOf;
        this.clock = clock;
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
        Instant expiry = expiryOf.apply(response.token());
        if (expiry == null) {
            return Result.invalidCredentials();
        }
        if (!clock.instant().isBefore(expiry)) {
            return Result.failure(EXPIRED_REPLY);
        }
        return Result.success(response.user(), expiry);
    }
}
