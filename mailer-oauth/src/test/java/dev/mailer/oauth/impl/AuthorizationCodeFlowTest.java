package dev.mailer.oauth.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.api.MailException;
import dev.mailer.api.oauth.AuthorizationRequest;
import dev.mailer.api.oauth.OAuthTokenManager;
import dev.mailer.api.oauth.TokenStatus;
import dev.mailer.api.oauth.TokenStatus.RefreshTokenSource;
import dev.mailer.commons.testing.MutableClock;

/**
 * The authorization-code flow with PKCE against a real OAuth2 server (mock-oauth2-server, which
 * checks the code_verifier against the code_challenge): its /authorize endpoint is driven with the
 * URL from beginAuthorization, as a browser would, and its redirect is handed to completeAuthorization.
 */
class AuthorizationCodeFlowTest {

    @RegisterExtension
    final OAuthTestServer server = new OAuthTestServer();
    private final MutableClock clock = new MutableClock();

    @TempDir
    Path data;

    /**
     * The refresh_token grant without a refresh token, ready to authorize; an extra query on authUrl
     * as Google needs (not prompt=consent: this server answers that with a login page).
     */
    private Map<String, Object> config() {
        Map<String, Object> config = server.config("refresh_token");
        config.put("authUrl", server.authorizationUrl() + "?access_type=offline&login_hint=jane%40example.com");
        config.put("authCodeRedirectUrl", OAuthTestServer.REDIRECT);
        // the server reads /authorize as an OpenID request, which needs the openid scope
        config.put("scopes", new String[] {"openid", "smtp", "offline_access"});
        return config;
    }

    private OAuthConfigurationProviderImpl provider(Map<String, Object> config) {
        return new OAuthConfigurationProviderImpl(data.toFile(), config, clock, duration -> clock.advance(duration));
    }

    /** What a browser does: open the URL, get sent back to the redirect URI; returns that redirect's query. */
    private static Map<String, String> signIn(URI authorizationUrl) throws Exception {
        HttpURLConnection connection = (HttpURLConnection) authorizationUrl.toURL().openConnection();
        connection.setInstanceFollowRedirects(false);
        try {
            assertEquals(302, connection.getResponseCode(), "the server redirects to the redirect URI");
            String location = connection.getHeaderField("Location");
            assertTrue(location.startsWith(OAuthTestServer.REDIRECT + "?"), location);
            return OAuthTestServer.form(URI.create(location).getRawQuery());
        } finally {
            connection.disconnect();
        }
    }

    private static Map<String, String> query(URI url) {
        return OAuthTestServer.form(url.getRawQuery());
    }

    private String storedRefreshToken() throws Exception {
        Properties stored = new Properties();
        try (InputStream in = Files.newInputStream(data.resolve(OAuthConfigurationProviderImpl.REFRESH_TOKEN_FILE))) {
            stored.load(in);
        }
        return stored.getProperty("refresh_token");
    }

    @Test
    void signInWithPkceStoresTheRefreshTokenAndCachesTheAccessToken() throws Exception {
        OAuthTokenManager manager = provider(config());
        assertEquals(RefreshTokenSource.NONE, manager.getStatus().getRefreshTokenSource());

        AuthorizationRequest request = manager.beginAuthorization(null);
        assertTrue(request.getAuthorizationUrl().getRawQuery().startsWith("access_type=offline&login_hint=jane%40example.com&"),
                request.getAuthorizationUrl().toString());
        Map<String, String> redirect = signIn(request.getAuthorizationUrl());
        assertEquals(request.getState(), redirect.get("state"), "the server sends the state back");
        TokenStatus status = manager.completeAuthorization(redirect);

        List<Map<String, String>> exchanges = server.drainRequests();
        assertEquals(1, exchanges.size());
        Map<String, String> exchange = exchanges.get(0);
        assertEquals("authorization_code", exchange.get("grant_type"));
        assertEquals(OAuthTestServer.REDIRECT, exchange.get("redirect_uri"));
        String verifier = exchange.get("code_verifier");
        assertEquals(43, verifier.length(), "32 random bytes, base64url");
        assertEquals(query(request.getAuthorizationUrl()).get("code_challenge"), AuthorizationCodeFlow.challenge(verifier));

        assertEquals(RefreshTokenSource.AUTHORIZED, status.getRefreshTokenSource());
        assertTrue(status.hasValidToken(clock.instant().plusSeconds(3500)), "the access token is cached: " + status);
        assertEquals(clock.instant(), status.getLastRenewal().orElseThrow());
        assertTrue(status.getLastError().isEmpty());
        String refreshToken = storedRefreshToken();
        assertNotNull(refreshToken);
        assertEquals("[OWNER_READ, OWNER_WRITE]", new java.util.TreeSet<>(Files.getPosixFilePermissions(
                data.resolve(OAuthConfigurationProviderImpl.REFRESH_TOKEN_FILE))).toString());

        String accessToken = ((OAuthConfigurationProviderImpl) manager).getAccessToken();
        assertNotNull(accessToken);
        assertEquals(List.of(), server.drainRequests(), "the token from the code exchange is used: no other request");

        for (String text : List.of(status.toString(), request.toString(), manager.getStatus().toString())) {
            assertFalse(text.contains(refreshToken) || text.contains(accessToken) || text.contains(verifier)
                    || text.contains(redirect.get("code")), text);
        }

        // a restart: a new instance over the same data area, still without a configured refresh token
        OAuthConfigurationProviderImpl restarted = provider(config());
        assertEquals(RefreshTokenSource.AUTHORIZED, restarted.getStatus().getRefreshTokenSource());
        assertNotNull(restarted.getAccessToken());
        List<Map<String, String>> refresh = server.drainRequests();
        assertEquals(1, refresh.size());
        assertEquals("refresh_token", refresh.get(0).get("grant_type"));
        assertEquals(refreshToken, refresh.get(0).get("refresh_token"), "the authorized refresh token is used");
        assertEquals(RefreshTokenSource.ROTATED, restarted.getStatus().getRefreshTokenSource(),
                "this server rotates: the successor of the authorized token is kept");
    }

    @Test
    void authorizationUrlKeepsTheQueryOfAuthUrlAndEncodesTheParameters() throws Exception {
        Map<String, Object> config = config();
        config.put("authUrl", "https://accounts.google.com/o/oauth2/v2/auth?access_type=offline&prompt=consent");
        config.put("scopes", "https://mail.google.com/ openid");
        config.put("clientId", "1234-abc.apps.googleusercontent.com");
        AuthorizationRequest request = provider(config).beginAuthorization("http://localhost:8765/oauth2/callback?mailer=a b");

        URI url = request.getAuthorizationUrl();
        assertEquals("https", url.getScheme());
        assertEquals("accounts.google.com", url.getHost());
        assertEquals("/o/oauth2/v2/auth", url.getPath());
        String raw = url.getRawQuery();
        assertTrue(raw.startsWith("access_type=offline&prompt=consent&response_type=code&"), raw);
        assertTrue(raw.contains("&redirect_uri=http%3A%2F%2Flocalhost%3A8765%2Foauth2%2Fcallback%3Fmailer%3Da%20b&"), raw);
        assertTrue(raw.contains("&scope=https%3A%2F%2Fmail.google.com%2F%20openid&"), raw);
        assertTrue(raw.endsWith("&code_challenge_method=S256"), raw);

        Map<String, String> parameters = query(url);
        assertEquals("code", parameters.get("response_type"));
        assertEquals("1234-abc.apps.googleusercontent.com", parameters.get("client_id"));
        assertEquals("http://localhost:8765/oauth2/callback?mailer=a b", parameters.get("redirect_uri"));
        assertEquals("http://localhost:8765/oauth2/callback?mailer=a b", request.getRedirectUri());
        assertEquals("https://mail.google.com/ openid", parameters.get("scope"));
        assertEquals(request.getState(), parameters.get("state"));
        assertTrue(request.getState().matches("[A-Za-z0-9_-]{43}"), "256 random bits, base64url: " + request.getState());
        assertTrue(parameters.get("code_challenge").matches("[A-Za-z0-9_-]{43}"), "a SHA-256, base64url");
        assertEquals(clock.instant().plus(Duration.ofMinutes(10)), request.getExpiresAt());
    }

    @Test
    void everyAuthorizationGetsItsOwnStateAndVerifier() throws Exception {
        OAuthTokenManager manager = provider(config());
        AuthorizationRequest first = manager.beginAuthorization(null);
        AuthorizationRequest second = manager.beginAuthorization(null);
        assertFalse(first.getState().equals(second.getState()));
        assertFalse(query(first.getAuthorizationUrl()).get("code_challenge").equals(query(second.getAuthorizationUrl()).get("code_challenge")));
    }

    @Test
    void stateIsSingleUse() throws Exception {
        OAuthTokenManager manager = provider(config());
        Map<String, String> redirect = signIn(manager.beginAuthorization(null).getAuthorizationUrl());
        manager.completeAuthorization(redirect);
        server.drainRequests();

        MailException replay = assertThrows(MailException.class, () -> manager.completeAuthorization(redirect));
        assertTrue(replay.getMessage().contains("unknown or expired"), replay.getMessage());
        assertEquals(List.of(), server.drainRequests(), "a replayed code is not sent to the token endpoint");
    }

    @Test
    void unknownStateIsRefusedAndSaysToStartAgain() throws Exception {
        OAuthTokenManager manager = provider(config());
        manager.beginAuthorization(null);

        MailException e = assertThrows(MailException.class,
                () -> manager.completeAuthorization(Map.of("state", "started-elsewhere", "code", "code-s3cret")));

        assertFalse(e.isTransient());
        assertTrue(e.getMessage().startsWith("This authorization response is unknown or expired"), e.getMessage());
        assertTrue(e.getMessage().contains("started by another process, is older than 10 minutes"), e.getMessage());
        assertTrue(e.getMessage().contains("authorize"), e.getMessage());
        assertFalse(e.getMessage().contains("code-s3cret"), e.getMessage());
        assertEquals(List.of(), server.drainRequests());
    }

    @Test
    void missingStateIsRefused() throws Exception {
        MailException e = assertThrows(MailException.class, () -> provider(config()).completeAuthorization(Map.of("code", "c")));
        assertTrue(e.getMessage().contains("unknown or expired"), e.getMessage());
    }

    @Test
    void stateExpiresAfterTenMinutes() throws Exception {
        OAuthTokenManager manager = provider(config());
        Map<String, String> redirect = signIn(manager.beginAuthorization(null).getAuthorizationUrl());
        clock.advance(Duration.ofMinutes(10));

        MailException e = assertThrows(MailException.class, () -> manager.completeAuthorization(redirect));

        assertTrue(e.getMessage().contains("unknown or expired"), e.getMessage());
        assertEquals(List.of(), server.drainRequests());
    }

    @Test
    void errorFromTheProviderIsQuotedWithItsDiagnosisAndEndsTheRequest() throws Exception {
        OAuthTokenManager manager = provider(config());
        String state = manager.beginAuthorization(null).getState();
        Map<String, String> redirect = new HashMap<>();
        redirect.put("state", state);
        redirect.put("error", "invalid_request");
        redirect.put("error_description", "AADSTS50011: The redirect URI 'http://localhost/callback' specified in the request"
                + " does not match the redirect URIs configured for the application.");

        MailException e = assertThrows(MailException.class, () -> manager.completeAuthorization(redirect));

        assertFalse(e.isTransient());
        assertEquals("authCodeRedirectUrl", e.getSetting().orElseThrow());
        assertTrue(e.getMessage().startsWith("The provider refused the authorization: invalid_request (AADSTS50011: The redirect"),
                e.getMessage());
        assertTrue(e.getMessage().contains("register authCodeRedirectUrl exactly"), e.getMessage());

        redirect.remove("error");
        redirect.put("code", "late-code");
        assertTrue(assertThrows(MailException.class, () -> manager.completeAuthorization(redirect)).getMessage()
                .contains("unknown or expired"), "the state was used up by the error");
    }

    @Test
    void declinedConsentSaysToApprove() throws Exception {
        OAuthTokenManager manager = provider(config());
        String state = manager.beginAuthorization(null).getState();
        MailException e = assertThrows(MailException.class, () -> manager.completeAuthorization(
                Map.of("state", state, "error", "access_denied", "error_description", "AADSTS65004: User declined to consent.")));
        assertTrue(e.getMessage().contains("access_denied (AADSTS65004: User declined to consent.)"), e.getMessage());
        assertTrue(e.getMessage().contains("The sign-in was declined"), e.getMessage());
    }

    @Test
    void refusedCodeSaysToAuthorizeAgainWithoutQuotingIt() throws Exception {
        OAuthTokenManager manager = provider(config());
        String state = manager.beginAuthorization(null).getState();

        MailException e = assertThrows(MailException.class,
                () -> manager.completeAuthorization(Map.of("state", state, "code", "forged-code-s3cret")));

        assertTrue(e.getMessage().contains("invalid_grant"), e.getMessage());
        assertTrue(e.getMessage().contains("Authorize again"), e.getMessage());
        assertFalse(e.getMessage().contains("forged-code-s3cret"), e.getMessage());
        assertFalse(e.getMessage().contains("client-s3cret"), e.getMessage());
        assertFalse(Files.exists(data.resolve(OAuthConfigurationProviderImpl.REFRESH_TOKEN_FILE)), "nothing stored");
    }

    @Test
    void missingAuthUrlIsNamed() {
        Map<String, Object> config = config();
        config.remove("authUrl");
        MailException e = assertThrows(MailException.class, () -> provider(config).beginAuthorization(null));
        assertEquals("authUrl", e.getSetting().orElseThrow());
        assertTrue(e.getMessage().startsWith("Cannot start the authorization: authUrl is not set."), e.getMessage());
    }

    @Test
    void unresolvedAuthUrlIsQuoted() {
        Map<String, Object> config = config();
        config.put("authUrl", "https://login.microsoftonline.com/$[env:OAUTH_TENANT_ID]/oauth2/v2.0/authorize");
        MailException e = assertThrows(MailException.class, () -> provider(config).beginAuthorization(null));
        assertEquals("authUrl", e.getSetting().orElseThrow());
        assertTrue(e.getMessage().contains("the placeholder $[env:OAUTH_TENANT_ID] is not resolved"), e.getMessage());
    }

    @Test
    void redirectUriComesFromTheCallerOrTheConfigurationElseItIsNamed() throws Exception {
        Map<String, Object> config = config();
        config.remove("authCodeRedirectUrl");
        OAuthTokenManager manager = provider(config);

        MailException e = assertThrows(MailException.class, () -> manager.beginAuthorization(null));
        assertEquals("authCodeRedirectUrl", e.getSetting().orElseThrow());
        assertTrue(e.getMessage().contains("authCodeRedirectUrl is not set"), e.getMessage());

        assertEquals("http://127.0.0.1:9999/cb", manager.beginAuthorization("http://127.0.0.1:9999/cb").getRedirectUri());
    }

    @Test
    void providerThatIssuesNoRefreshTokenIsExplainedAndNothingIsStored() throws Exception {
        server.then(OAuthTestServer.TOKEN_PATH, 200, OAuthTestServer.token("access-only", 3600));
        Map<String, Object> config = server.scriptedConfig();
        config.put("authUrl", "https://accounts.google.com/o/oauth2/v2/auth");
        config.put("authCodeRedirectUrl", OAuthTestServer.REDIRECT);
        OAuthTokenManager manager = provider(config);
        String state = manager.beginAuthorization(null).getState();

        MailException e = assertThrows(MailException.class,
                () -> manager.completeAuthorization(Map.of("state", state, "code", "a-code")));

        assertTrue(e.getMessage().startsWith("The provider issued no refresh token"), e.getMessage());
        assertTrue(e.getMessage().contains("offline_access"), e.getMessage());
        assertTrue(e.getMessage().contains("access_type=offline&prompt=consent"), e.getMessage());
        assertFalse(Files.exists(data.resolve(OAuthConfigurationProviderImpl.REFRESH_TOKEN_FILE)));
        assertEquals(RefreshTokenSource.NONE, manager.getStatus().getRefreshTokenSource());
    }

    @Test
    void clientCredentialsHaveNothingToAuthorize() {
        Map<String, Object> config = server.config("client_credentials");
        config.put("authUrl", server.authorizationUrl());
        MailException e = assertThrows(MailException.class, () -> provider(config).beginAuthorization(OAuthTestServer.REDIRECT));
        assertEquals("grantType", e.getSetting().orElseThrow());
    }
}
