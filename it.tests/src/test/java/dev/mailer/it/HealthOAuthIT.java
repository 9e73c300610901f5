package dev.mailer.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.mailer.api.oauth.OAuthTokenManager;
import dev.mailer.it.health.CheckResult;
import dev.mailer.it.health.HealthChecks;
import dev.mailer.it.health.MetricValues;
import dev.mailer.it.oauth.Issuers;
import dev.mailer.it.oauth.TokenRelay;
import dev.mailer.it.support.Await;
import dev.mailer.it.support.Services;
import dev.mailer.it.support.SlingPlatform;

/**
 * The token and SMTP health checks with the real office365-app profile, short-lived tokens (4 s),
 * Felix Health Checks and Sling Commons Metrics: they go red when the token endpoint goes down or
 * refuses (with the endpoint's error) and green again when it answers; the token metrics count
 * every answer of the endpoint. The SMTP check runs every second here, and with it a token
 * renewal whenever one is due, as a send would.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HealthOAuthIT extends OAuthTestSupport {

    private static final String RENEWALS = "mailer.token.renewals";
    private static final String FAILURES = "mailer.token.failures";
    private static final String EXPIRY = "mailer.token.expiry.seconds";
    private static final String REFUSAL =
            "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided.\"}";
    /** Long enough for the token provider's back-off after a few failed requests (1, 2, 4, 8 s). */
    private static final Duration RECOVERY = Duration.ofSeconds(45);

    @Override
    @Configuration
    public Option[] configuration() {
        return SlingPlatform.with(super.configuration());
    }

    @Before
    public void installTheAppProfileWithShortLivedTokens() throws IOException {
        // the token provider of an earlier test went with its configuration, and Sling removed its metrics when it let go of the service
        Await.until(() -> MetricValues.gauge(context, EXPIRY) == null && MetricValues.count(context, RENEWALS) == 0, deadline(),
                () -> "no token metrics of an earlier token provider");
        tokenEndpoint.useIssuer(Issuers.SHORT);
        installProfile(OFFICE365_APP);
        // the SMTP check exists once the mail service does
        HealthChecks.configure(context, configAdmin(), HealthChecks.SMTP_PID, Map.of("hc.async.intervalInSec", 1L, "timeout", "PT10S"));
    }

    @Test
    public void theTokenAndSmtpChecksGoRedWhileTheTokenEndpointIsDownAndGreenWhenItIsBack() throws IOException {
        awaitGreen(deadline());

        secrets.addAll(tokenEndpoint.secretsSeen());
        tokenEndpoint.close();
        CheckResult token = HealthChecks.await(context, HealthChecks.TOKEN, r -> r.is("CRITICAL"), deadline(),
                "to go red once the token has expired and the endpoint cannot be reached");
        String error = tokenManager().getStatus().getLastError().orElseThrow();
        assertTrue(error, error.contains("cannot be reached"));
        assertTrue(token.toString(), token.says("CRITICAL No valid access token") && token.says("The token endpoint said: " + error));
        HealthChecks.await(context, HealthChecks.SMTP, r -> r.is("CRITICAL") && r.says("token FAIL"), deadline(),
                "to go red at its token step");

        tokenEndpoint = TokenRelay.start(URI.create(env("OAUTH_TOKEN_URL")), oauthServer()).registerClient(clientId(), clientSecret)
                .useIssuer(Issuers.SHORT);
        awaitGreen(RECOVERY);
    }

    @Test
    public void aRefusedTokenRequestTurnsTheTokenCheckRedWithTheEndpointsErrorAndTheMetricsCountEveryAnswer() {
        awaitGreen(deadline());

        tokenEndpoint.answerNext(3, 401, REFUSAL);
        CheckResult token = HealthChecks.await(context, HealthChecks.TOKEN, r -> r.is("CRITICAL"), deadline(),
                "to go red once the token has expired and renewing it was refused");
        assertTrue(token.toString(), token.says("invalid_client (AADSTS7000215: Invalid client secret provided.)"));
        awaitGreen(RECOVERY);

        Await.until(() -> MetricValues.count(context, RENEWALS) == answers(200) && MetricValues.count(context, FAILURES) == answers(401),
                deadline(), () -> "the token metrics (renewals " + MetricValues.count(context, RENEWALS) + ", failures "
                        + MetricValues.count(context, FAILURES) + ") to equal the endpoint's answers " + tokenEndpoint.exchanges());
        assertEquals(3, answers(401));
        long expiry = (Long) MetricValues.gauge(context, EXPIRY);
        assertTrue("seconds to expiry of a 4 s token: " + expiry, expiry >= 0 && expiry <= Issuers.SHORT.lifetimeSeconds());
    }

    @Test
    public void aRefusedKeepAliveTurnsTheTokenCheckRedWithTheProvidersErrorWhileTheTokenIsStillValid() throws IOException {
        // an hour-long token, and a keep-alive every 2 s: nothing but the keep-alive asks the endpoint once the token is there
        tokenEndpoint.useIssuer(Issuers.LONG);
        installProfile(OFFICE365_APP, Map.of("keepAlive", "PT2S"));
        // the @Before's configuration (keep-alive P7D) may be green and still in effect: wait for this one
        Await.until(() -> tokenManager().getStatus().getKeepAlive().equals(Optional.of(Duration.ofSeconds(2))), deadline(),
                () -> "the token provider to run with keepAlive PT2S: " + tokenManager().getStatus());
        awaitGreen(deadline());

        tokenEndpoint.answerNext(1_000, 401, REFUSAL);
        CheckResult token = HealthChecks.await(context, HealthChecks.TOKEN, r -> r.is("CRITICAL"), deadline(),
                "to go red when the keep-alive is refused, though the cached token is valid for an hour");
        assertTrue(tokenManager().getStatus().toString(), tokenManager().getStatus().hasValidToken(Instant.now()));
        assertTrue(token.toString(), token.says("CRITICAL The token endpoint refused the last token request")
                && token.says("invalid_client (AADSTS7000215: Invalid client secret provided.)"));
    }

    /** Waits until the token check has a valid token and the SMTP check passes. */
    private void awaitGreen(Duration timeout) {
        HealthChecks.await(context, HealthChecks.TOKEN, r -> r.is("OK") && r.says("An access token is cached"), timeout,
                "to be green with a valid token");
        HealthChecks.await(context, HealthChecks.SMTP, r -> r.is("OK") && r.says("accepted the configured login"), timeout,
                "to pass with the token");
    }

    private long answers(int status) {
        return tokenEndpoint.exchanges().stream().filter(e -> e.answered() && e.status() == status).count();
    }

    private OAuthTokenManager tokenManager() {
        return context.getService(Services.await(context, OAuthTokenManager.class, null, deadline(), () -> "the token manager"));
    }
}
