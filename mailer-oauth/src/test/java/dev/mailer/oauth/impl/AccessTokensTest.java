package dev.mailer.oauth.impl;

import static dev.mailer.oauth.impl.OAuthTestServer.TOKEN_PATH;
import static dev.mailer.oauth.impl.OAuthTestServer.error;
import static dev.mailer.oauth.impl.OAuthTestServer.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.api.MailException;
import dev.mailer.api.oauth.TokenStatus;
import dev.mailer.api.oauth.TokenStatus.RefreshTokenSource;
import dev.mailer.commons.testing.MutableClock;

/**
 * Token lifecycle against a real OAuth2 server over HTTP, and against scripted answers where a
 * test needs answers that server does not give; time is a test clock.
 */
class AccessTokensTest {

    @RegisterExtension
    final OAuthTestServer server = new OAuthTestServer();
    private final MutableClock clock = new MutableClock();

    @TempDir
    Path data;

    private AccessTokens tokens(OAuthSettings settings) {
        return new AccessTokens(settings, new TokenEndpoint(settings), new RefreshTokenStore(data.resolve("rt.properties")), clock);
    }

    @Test
    void clientCredentialsTokenIsCachedAndRenewedAheadOfExpiry() throws Exception {
        AccessTokens tokens = tokens(OAuthSettings.from(server.config("client_credentials")));
        server.nextTokenExpiresIn(600);

        String first = tokens.get();
        clock.advance(Duration.ofSeconds(200));
        assertEquals(first, tokens.get(), "cached while far from expiry");
        assertEquals(1, server.drainRequests().size());

        clock.advance(Duration.ofSeconds(150)); // 350 s: inside the 300 s renewal window
        String renewed = tokens.get();
        assertNotEquals(first, renewed);
        List<Map<String, String>> requests = server.drainRequests();
        assertEquals(1, requests.size());
        assertEquals("client_credentials", requests.get(0).get("grant_type"));
        assertEquals("smtp offline_access", requests.get(0).get("scope"));
    }

    @Test
    void theExpiryOfTheCurrentTokenIsKnownWithoutARequestAndNoneForAnOlderOrDroppedOne() throws Exception {
        AccessTokens tokens = tokens(OAuthSettings.from(server.config("client_credentials")));
        server.nextTokenExpiresIn(600);
        Instant requested = clock.instant();
        String first = tokens.get();
        server.drainRequests();

        assertExpiresAbout600SecondsAfter(requested, tokens.expiryOf(first));
        assertEquals(null, tokens.expiryOf("another-token"));
        assertTrue(server.drainRequests().isEmpty(), "no token request");
        clock.advance(Duration.ofSeconds(350));
        server.nextTokenExpiresIn(600);
        String renewed = tokens.get();
        assertEquals(null, tokens.expiryOf(first), "renewed: the connections of the first token are retired");
        assertExpiresAbout600SecondsAfter(clock.instant(), tokens.expiryOf(renewed));
        tokens.invalidate(renewed);
        assertEquals(null, tokens.expiryOf(renewed));
    }

    /** The server computes expires_in from its own clock: it may say 599. */
    private static void assertExpiresAbout600SecondsAfter(Instant requested, Instant expiry) {
        assertTrue(expiry != null && !expiry.isBefore(requested.plusSeconds(590)) && !expiry.isAfter(requested.plusSeconds(600)),
                "expiry " + expiry + " for a token of 600 s requested at " + requested);
    }

    @Test
    void shortLivedTokensAreRenewedOncePerLifetimeNotOncePerUse() throws Exception {
        AccessTokens tokens = tokens(OAuthSettings.from(server.config("client_credentials")));
        for (int second = 0; second < 20; second++) {
            server.nextTokenExpiresIn(4);
            tokens.get();
            tokens.get();
            clock.advance(Duration.ofSeconds(1));
        }
        // 4 s tokens renewed at half their lifetime: every 2 s over 20 s
        assertEquals(10, server.drainRequests().size());
    }

    @Test
    void fiftyThreadsWithAnExpiredTokenCauseExactlyOneTokenRequest() throws Exception {
        AccessTokens tokens = tokens(OAuthSettings.from(server.config("client_credentials")));
        server.nextTokenExpiresIn(60);
        tokens.get();
        server.drainRequests();
        clock.advance(Duration.ofSeconds(61));

        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return tokens.get();
                }));
            }
            start.countDown();
            Set<String> distinct = new HashSet<>();
            for (Future<String> result : results) {
                distinct.add(result.get(30, TimeUnit.SECONDS));
            }
            assertEquals(1, distinct.size(), "every thread got the one new token");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, server.drainRequests().size());
    }

    @Test
    void rotatedRefreshTokenIsStoredUsedAfterRestartAndNeverSentAgain() throws Exception {
        Map<String, Object> config = server.config("refresh_token");
        config.put("refreshToken", "placeholder");
        String issued = server.obtainRefreshToken(OAuthSettings.from(config));
        config.put("refreshToken", issued);
        OAuthSettings settings = OAuthSettings.from(config);

        tokens(settings).get();
        List<Map<String, String>> first = server.drainRequests();
        assertEquals(issued, first.get(0).get("refresh_token"));
        assertTrue(Files.exists(data.resolve("rt.properties")));
        assertEquals("[OWNER_READ, OWNER_WRITE]",
                new java.util.TreeSet<>(Files.getPosixFilePermissions(data.resolve("rt.properties"))).toString());

        // a restart: a new instance over the same data area
        tokens(settings).get();
        List<Map<String, String>> second = server.drainRequests();
        String sentAfterRestart = second.get(0).get("refresh_token");
        assertNotEquals(issued, sentAfterRestart, "the exchanged refresh token must not be sent again");
        assertEquals("refresh_token", second.get(0).get("grant_type"));
        assertEquals(RefreshTokenSource.ROTATED, tokens(settings).status().getRefreshTokenSource());
    }

    @Test
    void newlyConfiguredRefreshTokenWinsOverTheStoredRotation() throws Exception {
        Map<String, Object> config = server.config("refresh_token");
        config.put("refreshToken", server.obtainRefreshToken(OAuthSettings.from(config)));
        AccessTokens first = tokens(OAuthSettings.from(config));
        first.get();
        server.drainRequests();
        assertEquals(RefreshTokenSource.ROTATED, first.status().getRefreshTokenSource());

        // an admin authorizes again and configures the new refresh token
        String reauthorized = server.obtainRefreshToken(OAuthSettings.from(config));
        config.put("refreshToken", reauthorized);
        AccessTokens second = tokens(OAuthSettings.from(config));
        assertEquals(RefreshTokenSource.CONFIGURED, second.status().getRefreshTokenSource());
        second.get();

        assertEquals(reauthorized, server.drainRequests().get(0).get("refresh_token"));
    }

    @Test
    void aStoredRefreshTokenOfAnotherAppRegistrationIsNotUsed() throws Exception {
        Map<String, Object> other = server.config("refresh_token");
        other.put("clientId", "another-app");
        RefreshTokenStore store = new RefreshTokenStore(data.resolve("rt.properties"));
        store.put(RefreshTokenStore.keyOf(OAuthSettings.from(other)), "foreign-refresh-s3cret", RefreshTokenSource.AUTHORIZED,
                clock.instant());

        AccessTokens tokens = tokens(OAuthSettings.from(server.config("refresh_token")));

        assertEquals(RefreshTokenSource.NONE, tokens.status().getRefreshTokenSource());
        MailException e = assertThrows(MailException.class, tokens::get);
        assertEquals("refreshToken", e.getSetting().orElseThrow());
        assertEquals(List.of(), server.drainRequests(), "the foreign token was not sent");
    }

    @Test
    void withoutAnyRefreshTokenTheFailureSaysToAuthorize() throws Exception {
        AccessTokens tokens = tokens(OAuthSettings.from(server.config("refresh_token")));

        MailException e = assertThrows(MailException.class, tokens::get);

        assertFalse(e.isTransient());
        assertEquals("refreshToken", e.getSetting().orElseThrow());
        assertEquals("No OAuth2 access token: there is no refresh token yet; nothing was sent. To sign in as the mailbox, run"
                + " `java -jar mailer.jar authorize` (`mailer:authorize` in the shell, or /services/mailer/oauth2/authorize in a container"
                + " with the sign-in servlets); it stores the refresh token it obtains."
                + " Or put a refresh token in the secret named by the refreshToken setting (e.g. $[secret:oauth_refresh_token]).",
                e.getMessage());
        assertEquals(List.of(), server.drainRequests());
        TokenStatus status = tokens.status();
        assertEquals(RefreshTokenSource.NONE, status.getRefreshTokenSource());
        assertEquals(e.getMessage(), status.getLastError().orElseThrow());
        assertEquals(clock.instant(), status.getLastErrorAt().orElseThrow());
    }

    @Test
    void statusReportsTheTokenWithoutARequestAndTheLastErrorUntilASuccess() throws Exception {
        AccessTokens tokens = tokens(OAuthSettings.from(server.config("client_credentials")));
        TokenStatus before = tokens.status();
        assertEquals(List.of(), server.drainRequests(), "a status makes no request");
        assertEquals("client_credentials", before.getGrantType());
        assertEquals("mailer-client", before.getClientId());
        assertEquals(server.tokenUrl(), before.getTokenUrl());
        assertEquals(List.of("smtp", "offline_access"), before.getRequestedScopes());
        assertEquals(RefreshTokenSource.NOT_USED, before.getRefreshTokenSource());
        assertTrue(before.getExpiresAt().isEmpty() && before.getLastRenewal().isEmpty() && before.getLastError().isEmpty());

        server.nextTokenExpiresIn(600);
        Instant obtainedAt = clock.instant();
        String token = tokens.get();
        TokenStatus after = tokens.status();
        // the server computes expires_in from its own clock: 599 or 600
        assertTrue(Duration.between(obtainedAt, after.getExpiresAt().orElseThrow()).getSeconds() >= 599, after.toString());
        assertEquals(obtainedAt, after.getLastRenewal().orElseThrow());
        assertEquals("smtp offline_access", after.getGrantedScopes().orElseThrow());
        assertTrue(after.hasValidToken(clock.instant()));
        assertFalse(after.toString().contains(token), after.toString());

        tokens.invalidate(token);
        assertTrue(tokens.status().getExpiresAt().isEmpty(), "no token cached any more");
        assertEquals(obtainedAt, tokens.status().getLastRenewal().orElseThrow());

        server.close();
        clock.advance(Duration.ofSeconds(10));
        assertThrows(MailException.class, tokens::get);
        TokenStatus failed = tokens.status();
        assertTrue(failed.getLastError().orElseThrow().contains("cannot be reached"), failed.toString());
        assertEquals(clock.instant(), failed.getLastErrorAt().orElseThrow());
    }

    @Test
    void invalidGrantQuotesTheServerAndSaysToAuthorizeAgain() throws Exception {
        Map<String, Object> config = server.config("refresh_token");
        config.put("refreshToken", "not-a-token-this-server-issued");
        AccessTokens tokens = tokens(OAuthSettings.from(config));

        MailException e = assertThrows(MailException.class, tokens::get);

        assertFalse(e.isTransient());
        assertTrue(e.getMessage().contains("invalid_grant"), e.getMessage());
        assertTrue(e.getMessage().contains("Authorize again"), e.getMessage());
        assertEquals("refreshToken", e.getSetting().orElseThrow());
        assertFalse(e.getMessage().contains("not-a-token-this-server-issued"), e.getMessage());
        assertFalse(e.getMessage().contains("client-s3cret"), e.getMessage());
    }

    @Test
    void invalidClientWithStatus401QuotesTheServersDescription() throws Exception {
        // Entra ID's answer to a wrong client secret
        server.then(TOKEN_PATH, 401, error("invalid_client", "AADSTS7000215: Invalid client secret provided."));
        AccessTokens tokens = clientCredentials();

        MailException e = assertThrows(MailException.class, tokens::get);

        assertFalse(e.isTransient());
        assertEquals("clientSecret", e.getSetting().orElseThrow());
        assertTrue(e.getMessage().contains("invalid_client (AADSTS7000215: Invalid client secret provided.)"), e.getMessage());
        assertFalse(e.getMessage().contains("client-s3cret"), e.getMessage());
    }

    /** The client_credentials grant against the scripted token endpoint. */
    private AccessTokens clientCredentials() throws Exception {
        Map<String, Object> config = server.scriptedConfig();
        config.put("grantType", "client_credentials");
        config.put("clientSecret", "client-s3cret");
        return tokens(OAuthSettings.from(config));
    }

    @Test
    void failedRenewalKeepsUsingTheValidTokenThenBacksOff() throws Exception {
        // the endpoint answers once, then is down for maintenance
        server.then(TOKEN_PATH, 200, token("access-1", 600))
                .then(TOKEN_PATH, 503, error("temporarily_unavailable", "maintenance"));
        AccessTokens tokens = clientCredentials();
        assertEquals("access-1", tokens.get());

        clock.advance(Duration.ofSeconds(400)); // renewal due, token still valid
        assertEquals("access-1", tokens.get());
        assertEquals(2, server.requests(TOKEN_PATH).size(), "one renewal attempt");
        assertFalse(tokens.status().isLastErrorPermanent(), "an endpoint down for maintenance heals by waiting: " + tokens.status());
        assertEquals("access-1", tokens.get());
        assertEquals(2, server.requests(TOKEN_PATH).size(), "within the back-off (1 s) no new request is made");

        clock.advance(Duration.ofSeconds(1));
        assertEquals("access-1", tokens.get());
        assertEquals(3, server.requests(TOKEN_PATH).size(), "after the back-off the renewal is tried again");
        clock.advance(Duration.ofSeconds(1));
        assertEquals("access-1", tokens.get());
        assertEquals(3, server.requests(TOKEN_PATH).size(), "the back-off doubled to 2 s");

        clock.advance(Duration.ofSeconds(300)); // expired
        MailException e = assertThrows(MailException.class, tokens::get);
        assertTrue(e.isTransient());
        assertTrue(e.getMessage().contains("temporarily_unavailable (maintenance)"), e.getMessage());
        assertEquals("tokenUrl", e.getSetting().orElseThrow());
        assertEquals(4, server.requests(TOKEN_PATH).size());
    }

    @Test
    void whileOneCallerRenewsADueButValidTokenTheOthersGetTheCurrentOneWithoutWaiting() throws Exception {
        server.then(TOKEN_PATH, 200, token("access-1", 600)).then(TOKEN_PATH, 200, token("access-2", 600));
        AccessTokens tokens = clientCredentials();
        assertEquals("access-1", tokens.get());
        clock.advance(Duration.ofSeconds(400)); // inside the 300 s renewal window, valid for 200 s more

        CountDownLatch release = new CountDownLatch(1);
        server.beforeEachAnswer(() -> {
            try {
                release.await(Waiting.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            Waiting.Caller<String> renewing = new Waiting.Caller<>("renewing sender", tokens::get);
            assertTrue(server.awaitRequests(TOKEN_PATH, 2, Waiting.DEADLINE), "the renewal reached the server");
            Waiting.Caller<String> other = new Waiting.Caller<>("other sender", tokens::get);

            assertEquals("access-1", other.get(10, TimeUnit.SECONDS), "the current token, while the renewal is held");
            assertEquals(1, release.getCount(), "the renewal was still held");
            release.countDown();
            assertEquals("access-2", renewing.get(Waiting.DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
        } finally {
            release.countDown();
        }
        assertEquals("access-2", tokens.get());
        assertEquals(2, server.requests(TOKEN_PATH).size(), "one renewal");
    }

    @Test
    void aRotatedRefreshTokenIsKeptWhateverTheRestOfTheAnswerHolds() throws Exception {
        server.then(TOKEN_PATH, 200, "{\"access_token\":\"access-1\",\"expires_in\":3599.0,\"refresh_token\":\"refresh-1\"}")
                .then(TOKEN_PATH, 200, "{\"refresh_token\":\"refresh-2\",\"expires_in\":3600}")
                .then(TOKEN_PATH, 200, "{\"access_token\":\"access-3\",\"expires_in\":\"3600\",\"refresh_token\":\"refresh-3\"}");
        Map<String, Object> config = server.scriptedConfig();
        config.put("refreshToken", "refresh-0");
        OAuthSettings settings = OAuthSettings.from(config);
        AccessTokens tokens = tokens(settings);

        assertEquals("access-1", tokens.get(), "a decimal expires_in is read");
        assertEquals(clock.instant().plusSeconds(3599), tokens.status().getExpiresAt().orElseThrow());

        clock.advance(Duration.ofSeconds(3600));
        MailException e = assertThrows(MailException.class, tokens::get, "an answer without access_token");
        assertEquals("tokenUrl", e.getSetting().orElseThrow());
        assertTrue(e.getMessage().contains("gave no usable answer: no access_token"), e.getMessage());

        clock.advance(Duration.ofSeconds(1)); // the back-off
        assertEquals("access-3", tokens.get());
        assertEquals(List.of("refresh-0", "refresh-1", "refresh-2"), server.refreshTokensReceived(),
                "the successor in the unusable answer was kept and sent next");
        assertEquals("refresh-3", new RefreshTokenStore(data.resolve("rt.properties")).get(RefreshTokenStore.keyOf(settings)).token);
    }

    @Test
    void unreachableEndpointIsTransientAndNamesTokenUrl() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Map<String, Object> config = server.config("client_credentials");
        config.put("tokenUrl", "http://127.0.0.1:" + closed + "/token");

        MailException e = assertThrows(MailException.class, tokens(OAuthSettings.from(config))::get);

        assertTrue(e.isTransient());
        assertTrue(e.getMessage().contains("http://127.0.0.1:" + closed + "/token cannot be reached"), e.getMessage());
    }
}
