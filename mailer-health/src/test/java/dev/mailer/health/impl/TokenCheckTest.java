package dev.mailer.health.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.Result.Status;
import org.junit.jupiter.api.Test;

import dev.mailer.api.oauth.TokenStatus;
import dev.mailer.api.oauth.TokenStatus.RefreshTokenSource;

/** The token check from the token provider's status, at a fixed time. */
class TokenCheckTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00.250Z");
    private static final String REFUSED = "The token endpoint refused the refresh token: invalid_grant (AADSTS700082: The refresh"
            + " token has expired due to inactivity.) Authorize again: java -jar mailer.jar authorize.";

    private static final String UNAVAILABLE = "The token endpoint answered 503 Service Unavailable; try again later.";

    private final FakeMailer.Tokens tokens = new FakeMailer.Tokens();

    private Result execute() {
        return new TokenCheck(tokens, Clock.fixed(NOW, ZoneOffset.UTC)).execute();
    }

    private static TokenStatus.Builder refreshTokenGrant() {
        return TokenStatus.builder().grantType("refresh_token").clientId("mailer-app").refreshTokenSource(RefreshTokenSource.ROTATED);
    }

    @Test
    void aValidTokenIsOkWithItsExpiryAndTheAgeOfTheLastRenewal() {
        tokens.status = refreshTokenGrant().expiresAt(NOW.plus(Duration.ofMinutes(59)))
                .lastRenewal(NOW.minus(Duration.ofMinutes(1))).build();

        Result result = execute();

        assertEquals(Status.OK, result.getStatus(), Results.text(result));
        assertEquals("OK An access token is cached, valid until 2026-03-01T12:59:00.250Z (PT59M from now).", Results.lines(result).get(0));
        assertEquals("OK Last access token obtained at 2026-03-01T11:59:00.250Z (PT1M ago).", Results.lines(result).get(1));
    }

    @Test
    void aFailedRenewalWithoutAValidTokenIsCriticalWithTheProvidersError() {
        tokens.status = refreshTokenGrant().expiresAt(NOW.minusSeconds(5)).lastError(REFUSED, NOW.minusSeconds(2)).build();

        Result result = execute();

        assertEquals(Status.CRITICAL, result.getStatus());
        assertEquals("CRITICAL No valid access token: the last token request, at 2026-03-01T11:59:58.250Z, failed, so sending with"
                + " OAuth2 fails. The token endpoint said: " + REFUSED, Results.lines(result).get(0));
    }

    @Test
    void aTransientRenewalFailureWhileTheTokenIsStillValidIsAWarningWithTheEndpointsAnswer() {
        tokens.status = refreshTokenGrant().expiresAt(NOW.plusSeconds(120)).lastError(UNAVAILABLE, NOW.minusSeconds(2), false).build();

        Result result = execute();

        assertEquals(Status.WARN, result.getStatus());
        assertTrue(Results.lines(result).get(0).startsWith("WARN Renewing the access token failed at 2026-03-01T11:59:58.250Z;"
                + " the current one is used until 2026-03-01T12:02:00.250Z"), Results.text(result));
        assertTrue(Results.lines(result).get(0).endsWith("The token endpoint said: " + UNAVAILABLE), Results.text(result));
    }

    @Test
    void noRefreshTokenIsCriticalSayingToAuthorize() {
        tokens.status = refreshTokenGrant().refreshTokenSource(RefreshTokenSource.NONE).build();

        Result result = execute();

        assertEquals(Status.CRITICAL, result.getStatus());
        assertEquals("CRITICAL No refresh token to obtain an access token with: none: run 'authorize' or configure refreshToken.",
                Results.lines(result).get(0));
    }

    @Test
    void noTokenYetIsOkBecauseTheNextSendObtainsOne() {
        Result result = execute();

        assertEquals(Status.OK, result.getStatus());
        assertEquals("OK No access token is cached yet; the next send obtains one (grant client_credentials, refresh token: not used"
                + " by this grant).", Results.lines(result).get(0));
        assertEquals("OK No access token was obtained since the token provider started.", Results.lines(result).get(1));
    }

    @Test
    void anInvalidProviderConfigurationIsCriticalWithItsReason() {
        tokens.status = TokenStatus.builder().lastError("The configuration of X is invalid: clientId: missing.", NOW).build();

        Result result = execute();

        assertEquals(Status.CRITICAL, result.getStatus());
        assertEquals("CRITICAL The token provider's configuration is invalid: The configuration of X is invalid: clientId: missing.",
                Results.lines(result).get(0));
    }

    @Test
    void aKeepAliveThatIsNotYetDueIsOkWithWhenItIsDue() {
        tokens.status = refreshTokenGrant().expiresAt(NOW.plus(Duration.ofMinutes(30))).lastRenewal(NOW.minus(Duration.ofMinutes(30)))
                .keepAlive(Duration.ofDays(7)).keepAliveDue(NOW.plus(Duration.ofDays(7)).minus(Duration.ofMinutes(30))).build();

        Result result = execute();

        assertEquals(Status.OK, result.getStatus(), Results.text(result));
        assertEquals("OK Keep-alive every P7D without token requests; the next is due at 2026-03-08T11:30:00.250Z unless a send"
                + " comes first.", Results.lines(result).get(2));
    }

    @Test
    void aKeepAliveOverdueByMoreThanTheUpkeepCanLagIsAWarningNamingTheSetting() {
        Instant lastWorked = NOW.minus(Duration.ofDays(9));
        tokens.status = refreshTokenGrant().lastRenewal(lastWorked).keepAlive(Duration.ofDays(7))
                .keepAliveDue(lastWorked.plus(Duration.ofDays(7))).build();

        Result result = execute();

        assertEquals(Status.WARN, result.getStatus(), Results.text(result));
        assertTrue(Results.text(result).contains("No token was obtained for PT216H, longer than the keep-alive period keepAlive=P7D"),
                Results.text(result));
    }

    @Test
    void aKeepAliveDueAMomentAgoIsStillOkBecauseTheUpkeepRunsEveryInterval() {
        tokens.status = refreshTokenGrant().lastRenewal(NOW.minus(Duration.ofDays(7)).minusSeconds(30)).keepAlive(Duration.ofDays(7))
                .keepAliveDue(NOW.minusSeconds(30)).build();

        assertEquals(Status.OK, execute().getStatus());
    }

    @Test
    void withTheKeepAliveOffNothingIsSaidAboutIt() {
        tokens.status = refreshTokenGrant().lastRenewal(NOW.minus(Duration.ofDays(100))).build();

        Result result = execute();

        assertTrue(Results.lines(result).stream().noneMatch(line -> line.contains("eep-alive")), Results.text(result));
    }

    @Test
    void aRefusedGrantIsCriticalEvenWhileTheCachedTokenIsStillValid() {
        tokens.status = refreshTokenGrant().expiresAt(NOW.plusSeconds(1800)).lastError(REFUSED, NOW.minusSeconds(2), true).build();

        Result result = execute();

        assertEquals(Status.CRITICAL, result.getStatus(), Results.text(result));
        assertEquals("CRITICAL The token endpoint refused the last token request, at 2026-03-01T11:59:58.250Z, and retrying will"
                + " not change that: sending with OAuth2 stops when the current token expires at 2026-03-01T12:30:00.250Z."
                + " The token endpoint said: " + REFUSED, Results.lines(result).get(0));
    }
}
