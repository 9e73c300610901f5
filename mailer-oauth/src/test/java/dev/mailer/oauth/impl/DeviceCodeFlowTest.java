package dev.mailer.oauth.impl;

import static dev.mailer.oauth.impl.OAuthTestServer.DEVICE_PATH;
import static dev.mailer.oauth.impl.OAuthTestServer.TOKEN_PATH;
import static dev.mailer.oauth.impl.OAuthTestServer.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.api.MailException;
import dev.mailer.api.oauth.DeviceAuthorization;
import dev.mailer.api.oauth.TokenStatus;
import dev.mailer.api.oauth.TokenStatus.RefreshTokenSource;
import dev.mailer.commons.testing.MutableClock;

/**
 * The device-code flow (RFC 8628) against scripted endpoints (mock-oauth2-server has no device
 * flow). Waiting moves the test clock, so the intervals are asserted without sleeping.
 */
class DeviceCodeFlowTest {

    private static final String MICROSOFT_DEVICE_CODE = "{\"device_code\":\"device-s3cret\",\"user_code\":\"ABCD-EFGH\","
            + "\"verification_uri\":\"https://microsoft.com/devicelogin\",\"expires_in\":900,\"interval\":1,"
            + "\"message\":\"To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code"
            + " ABCD-EFGH to authenticate.\"}";
    private static final String TOKENS = "{\"token_type\":\"Bearer\",\"access_token\":\"access-s3cret\","
            + "\"refresh_token\":\"refresh-s3cret\",\"expires_in\":3600,\"scope\":\"https://outlook.office.com/SMTP.Send\"}";
    private static final String PENDING = error("authorization_pending",
            "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.");

    private final MutableClock clock = new MutableClock();
    private final List<Duration> waits = new ArrayList<>();
    @RegisterExtension
    final OAuthTestServer server = new OAuthTestServer();

    @TempDir
    Path data;

    private OAuthConfigurationProviderImpl provider(Map<String, Object> config) {
        return new OAuthConfigurationProviderImpl(data.toFile(), config, clock, duration -> {
            waits.add(duration);
            clock.advance(duration);
        });
    }

    private boolean stored() {
        return Files.exists(data.resolve(OAuthConfigurationProviderImpl.REFRESH_TOKEN_FILE));
    }

    @Test
    void pendingThenSlowDownThenApprovalStoresTheRefreshTokenAndCachesTheAccessToken() throws Exception {
        server.then(DEVICE_PATH, 200, MICROSOFT_DEVICE_CODE)
                .then(TOKEN_PATH, 400, PENDING)
                .then(TOKEN_PATH, 400, error("slow_down", null))
                .then(TOKEN_PATH, 200, TOKENS);
        OAuthConfigurationProviderImpl provider = provider(server.scriptedConfig());
        Instant started = clock.instant();

        DeviceAuthorization authorization = provider.beginDeviceAuthorization();

        assertEquals("ABCD-EFGH", authorization.getUserCode());
        assertEquals("https://microsoft.com/devicelogin", authorization.getVerificationUri());
        assertNull(authorization.getVerificationUriComplete());
        assertTrue(authorization.getMessage().startsWith("To sign in, use a web browser"));
        assertEquals(1, authorization.getIntervalSeconds());
        assertEquals(started.plusSeconds(900), authorization.getExpiresAt());
        Map<String, String> deviceRequest = server.requests(DEVICE_PATH).get(0);
        assertEquals("mailer-client", deviceRequest.get("client_id"));
        assertEquals("https://outlook.office.com/SMTP.Send offline_access", deviceRequest.get("scope"));
        assertFalse(deviceRequest.containsKey("client_secret"), "a public client sends no secret");

        TokenStatus status = provider.completeDeviceAuthorization(authorization);

        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(6)), waits,
                "the interval, then 5 s more after slow_down");
        List<Map<String, String>> polls = server.requests(TOKEN_PATH);
        assertEquals(3, polls.size());
        for (Map<String, String> poll : polls) {
            assertEquals("urn:ietf:params:oauth:grant-type:device_code", poll.get("grant_type"));
            assertEquals("device-s3cret", poll.get("device_code"));
            assertEquals("mailer-client", poll.get("client_id"));
            assertFalse(poll.containsKey("client_secret"));
        }
        assertEquals(RefreshTokenSource.AUTHORIZED, status.getRefreshTokenSource());
        assertEquals(started.plusSeconds(8 + 3600), status.getExpiresAt().orElseThrow());
        assertEquals("https://outlook.office.com/SMTP.Send", status.getGrantedScopes().orElseThrow());
        assertTrue(stored());

        assertEquals("access-s3cret", provider.getAccessToken());
        assertEquals(3, server.requests(TOKEN_PATH).size(), "the approved token is used without another request");
        assertEquals(RefreshTokenSource.AUTHORIZED, provider(server.scriptedConfig()).getStatus().getRefreshTokenSource(),
                "after a restart the authorized refresh token is used");

        for (String text : List.of(authorization.toString(), status.toString())) {
            assertFalse(text.contains("device-s3cret") || text.contains("refresh-s3cret") || text.contains("access-s3cret"), text);
        }
    }

    @Test
    void googleSaysVerificationUrlAndAConfiguredClientSecretIsSent() throws Exception {
        server.then(DEVICE_PATH, 200, "{\"device_code\":\"device-s3cret\",\"user_code\":\"GQVQ-JKEC\","
                + "\"verification_url\":\"https://www.google.com/device\",\"expires_in\":1800,\"interval\":5}")
                .then(TOKEN_PATH, 200, TOKENS);
        Map<String, Object> config = server.scriptedConfig();
        config.put("clientSecret", "client-s3cret");
        OAuthConfigurationProviderImpl provider = provider(config);

        DeviceAuthorization authorization = provider.beginDeviceAuthorization();
        provider.completeDeviceAuthorization(authorization);

        assertEquals("https://www.google.com/device", authorization.getVerificationUri());
        assertNull(authorization.getMessage());
        assertEquals(5, authorization.getIntervalSeconds());
        assertEquals(List.of(Duration.ofSeconds(5)), waits);
        assertEquals("client-s3cret", server.requests(DEVICE_PATH).get(0).get("client_secret"));
        assertEquals("client-s3cret", server.requests(TOKEN_PATH).get(0).get("client_secret"));
    }

    @Test
    void missingIntervalMeansFiveSeconds() throws Exception {
        server.then(DEVICE_PATH, 200, "{\"device_code\":\"d\",\"user_code\":\"U\",\"verification_uri\":\"https://x.example/\","
                + "\"expires_in\":600}");
        assertEquals(5, provider(server.scriptedConfig()).beginDeviceAuthorization().getIntervalSeconds());
    }

    @Test
    void deniedSignInEndsWithTheDiagnosisAndStoresNothing() throws Exception {
        server.then(DEVICE_PATH, 200, MICROSOFT_DEVICE_CODE)
                .then(TOKEN_PATH, 400, PENDING)
                .then(TOKEN_PATH, 400, error("access_denied", "AADSTS70000: The user denied the authorization request."));
        OAuthConfigurationProviderImpl provider = provider(server.scriptedConfig());
        DeviceAuthorization authorization = provider.beginDeviceAuthorization();

        MailException e = assertThrows(MailException.class, () -> provider.completeDeviceAuthorization(authorization));

        assertFalse(e.isTransient());
        assertTrue(e.getMessage().contains("access_denied (AADSTS70000: The user denied the authorization request.)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("The sign-in was declined"), e.getMessage());
        assertTrue(e.getMessage().contains("authorize"), e.getMessage());
        assertFalse(e.getMessage().contains("device-s3cret"), e.getMessage());
        assertFalse(stored());
        assertEquals(RefreshTokenSource.NONE, provider.getStatus().getRefreshTokenSource());
    }

    @Test
    void expiredCodeReportedByTheProviderSaysToStartAgain() throws Exception {
        server.then(DEVICE_PATH, 200, MICROSOFT_DEVICE_CODE)
                .then(TOKEN_PATH, 400, error("expired_token", "AADSTS70020: The provided value for the input parameter"
                        + " 'device_code' is not valid. This device code has expired."));
        OAuthConfigurationProviderImpl provider = provider(server.scriptedConfig());
        DeviceAuthorization authorization = provider.beginDeviceAuthorization();

        MailException e = assertThrows(MailException.class, () -> provider.completeDeviceAuthorization(authorization));

        assertTrue(e.getMessage().contains("expired_token (AADSTS70020"), e.getMessage());
        assertTrue(e.getMessage().contains("The code expired before the sign-in was finished"), e.getMessage());
        assertFalse(stored());
    }

    @Test
    void pollingStopsAtTheExpiry() throws Exception {
        server.then(DEVICE_PATH, 200, "{\"device_code\":\"device-s3cret\",\"user_code\":\"ABCD-EFGH\","
                + "\"verification_uri\":\"https://microsoft.com/devicelogin\",\"expires_in\":3,\"interval\":1}")
                .then(TOKEN_PATH, 400, PENDING);
        OAuthConfigurationProviderImpl provider = provider(server.scriptedConfig());
        DeviceAuthorization authorization = provider.beginDeviceAuthorization();

        MailException e = assertThrows(MailException.class, () -> provider.completeDeviceAuthorization(authorization));

        assertEquals("The code ABCD-EFGH expired at " + authorization.getExpiresAt() + " before the sign-in was finished;"
                + " nothing was stored. Authorize again and enter the new code before it expires: run `java -jar mailer.jar"
                + " authorize` (`mailer:authorize` in the shell, or /services/mailer/oauth2/authorize in a container with the sign-in"
                + " servlets).", e.getMessage());
        assertEquals(2, server.requests(TOKEN_PATH).size(), "polled at 1 s and 2 s; expired at 3 s");
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)), waits);
    }

    @Test
    void aTemporaryFailureWhilePollingDoesNotEndTheSignIn() throws Exception {
        server.then(DEVICE_PATH, 200, MICROSOFT_DEVICE_CODE)
                .then(TOKEN_PATH, 503, error("temporarily_unavailable", null))
                .then(TOKEN_PATH, 200, TOKENS);
        OAuthConfigurationProviderImpl provider = provider(server.scriptedConfig());

        TokenStatus status = provider.completeDeviceAuthorization(provider.beginDeviceAuthorization());

        assertEquals(RefreshTokenSource.AUTHORIZED, status.getRefreshTokenSource());
        assertEquals(2, server.requests(TOKEN_PATH).size());
    }

    @Test
    void interruptionPropagatesAndStoresNothing() throws Exception {
        server.then(DEVICE_PATH, 200, MICROSOFT_DEVICE_CODE).then(TOKEN_PATH, 200, TOKENS);
        OAuthConfigurationProviderImpl provider = new OAuthConfigurationProviderImpl(data.toFile(), server.scriptedConfig(), clock,
                duration -> {
                    throw new InterruptedException("stopped by the operator");
                });
        DeviceAuthorization authorization = provider.beginDeviceAuthorization();

        assertThrows(InterruptedException.class, () -> provider.completeDeviceAuthorization(authorization));

        assertEquals(0, server.requests(TOKEN_PATH).size());
        assertFalse(stored());
        assertEquals(RefreshTokenSource.NONE, provider.getStatus().getRefreshTokenSource());
    }

    /** Abandoned while the approving token response is on its way (e.g. authorize --timeout): the token is not taken. */
    @Test
    void interruptionDuringTheApprovingPollStoresNothing() throws Exception {
        server.then(DEVICE_PATH, 200, MICROSOFT_DEVICE_CODE).then(TOKEN_PATH, 200, TOKENS);
        OAuthConfigurationProviderImpl provider = provider(server.scriptedConfig());
        DeviceAuthorization authorization = provider.beginDeviceAuthorization();
        Thread poller = Thread.currentThread();
        server.beforeEachAnswer(poller::interrupt);

        assertThrows(InterruptedException.class, () -> provider.completeDeviceAuthorization(authorization));

        assertEquals(1, server.requests(TOKEN_PATH).size(), "the approving poll was answered");
        assertFalse(stored());
        assertEquals(RefreshTokenSource.NONE, provider.getStatus().getRefreshTokenSource());
        assertFalse(provider.getStatus().hasValidToken(clock.instant()), "the access token was not cached either");
    }

    @Test
    void anUnknownOrFinishedDeviceAuthorizationIsRefused() throws Exception {
        server.then(DEVICE_PATH, 200, MICROSOFT_DEVICE_CODE).then(TOKEN_PATH, 200, TOKENS);
        OAuthConfigurationProviderImpl provider = provider(server.scriptedConfig());
        DeviceAuthorization authorization = provider.beginDeviceAuthorization();
        provider.completeDeviceAuthorization(authorization);

        MailException again = assertThrows(MailException.class, () -> provider.completeDeviceAuthorization(authorization));
        assertTrue(again.getMessage().startsWith("This device authorization is unknown or expired"), again.getMessage());

        DeviceAuthorization foreign = new DeviceAuthorization("from-another-process", "ABCD-EFGH", "https://microsoft.com/devicelogin",
                null, null, clock.instant().plusSeconds(600), 5);
        MailException unknown = assertThrows(MailException.class, () -> provider.completeDeviceAuthorization(foreign));
        assertTrue(unknown.getMessage().contains("started by another process"), unknown.getMessage());
        assertEquals(1, server.requests(TOKEN_PATH).size());
    }

    @Test
    void missingDeviceAuthUrlIsNamed() {
        Map<String, Object> config = server.scriptedConfig();
        config.remove("deviceAuthUrl");
        MailException e = assertThrows(MailException.class, () -> provider(config).beginDeviceAuthorization());
        assertEquals("deviceAuthUrl", e.getSetting().orElseThrow());
        assertTrue(e.getMessage().startsWith("Cannot start the authorization: deviceAuthUrl is not set."), e.getMessage());
        assertTrue(server.requests(DEVICE_PATH).isEmpty());
    }

    @Test
    void plainHttpDeviceAuthUrlIsOnlyAWarningUntilItIsUsed() throws Exception {
        Map<String, Object> config = server.scriptedConfig();
        config.put("deviceAuthUrl", "http://login.example.com/devicecode");
        OAuthConfigurationProviderImpl provider = provider(config);
        assertTrue(provider.getStatus().getLastError().isEmpty(), "the provider is usable for sending");

        MailException e = assertThrows(MailException.class, provider::beginDeviceAuthorization);
        assertEquals("deviceAuthUrl", e.getSetting().orElseThrow());
        assertTrue(e.getMessage().contains("uses plain http"), e.getMessage());
    }

    @Test
    void confidentialAppWithoutSecretGetsThePublicClientDiagnosis() throws Exception {
        server.then(DEVICE_PATH, 401, error("invalid_client", "AADSTS7000218: The request body must contain the following"
                + " parameter: 'client_assertion' or 'client_secret'."));

        MailException e = assertThrows(MailException.class, () -> provider(server.scriptedConfig()).beginDeviceAuthorization());

        assertFalse(e.isTransient());
        assertEquals("clientSecret", e.getSetting().orElseThrow());
        assertTrue(e.getMessage().contains("The device authorization endpoint " + server.url(DEVICE_PATH)
                + " refused the device authorization request: invalid_client (AADSTS7000218"), e.getMessage());
        assertTrue(e.getMessage().contains("Allow public client flows"), e.getMessage());
    }

    @Test
    void unreachableDeviceEndpointNamesDeviceAuthUrl() throws Exception {
        Map<String, Object> config = server.scriptedConfig();
        server.close();
        MailException e = assertThrows(MailException.class, () -> provider(config).beginDeviceAuthorization());
        assertTrue(e.isTransient());
        assertEquals("deviceAuthUrl", e.getSetting().orElseThrow());
        assertTrue(e.getMessage().contains("cannot be reached"), e.getMessage());
    }

    @Test
    void approvalWithoutRefreshTokenIsExplained() throws Exception {
        server.then(DEVICE_PATH, 200, MICROSOFT_DEVICE_CODE)
                .then(TOKEN_PATH, 200, "{\"token_type\":\"Bearer\",\"access_token\":\"a\",\"expires_in\":3600}");
        OAuthConfigurationProviderImpl provider = provider(server.scriptedConfig());

        MailException e = assertThrows(MailException.class,
                () -> provider.completeDeviceAuthorization(provider.beginDeviceAuthorization()));

        assertTrue(e.getMessage().startsWith("The provider issued no refresh token"), e.getMessage());
        assertEquals("scopes", e.getSetting().orElseThrow());
        assertFalse(stored());
    }

    @Test
    void clientCredentialsHaveNothingToAuthorize() {
        Map<String, Object> config = server.scriptedConfig();
        config.put("grantType", "client_credentials");
        config.put("clientSecret", "client-s3cret");
        MailException e = assertThrows(MailException.class, () -> provider(config).beginDeviceAuthorization());
        assertEquals("grantType", e.getSetting().orElseThrow());
        assertTrue(e.getMessage().contains("needs no authorization"), e.getMessage());
    }

    @Test
    void aDeviceCodeResponseShowsNeitherTheDeviceCodeNorTheUserCode() {
        DeviceCodeResponse response = new DeviceCodeResponse("device-s3cret", "ABCD-EFGH", "https://microsoft.com/devicelogin",
                "https://microsoft.com/devicelogin?otc=ABCD-EFGH", "Enter the code ABCD-EFGH", 900, 5);

        String text = response.toString();

        assertFalse(text.contains("ABCD-EFGH"), text);
        assertFalse(text.contains("device-s3cret"), text);
        assertTrue(text.contains("https://microsoft.com/devicelogin"), text);
    }
}
