package dev.mailer.oauth.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.mailer.api.MailException;

/** What Microsoft Entra ID and Google answer, and what the operator is told. */
class OAuthFailuresTest {

    private static OAuthSettings settings() throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put("tokenUrl", "https://login.microsoftonline.com/contoso/oauth2/v2.0/token");
        config.put("clientId", "app");
        config.put("clientSecret", "client-s3cret");
        config.put("refreshToken", "refresh-s3cret");
        return OAuthSettings.from(config);
    }

    private static TokenEndpointException refused(String error, String description, int status) {
        return new TokenEndpointException("tokenUrl", error, description, status,
                "The token endpoint refused the request: " + error + " (" + description + ")", null);
    }

    private static MailException map(String error, String description, int status) throws Exception {
        return OAuthFailures.toMailException(refused(error, description, status), settings());
    }

    private static MailException authorizing(String error, String description, int status) throws Exception {
        return OAuthFailures.authorizationFailure(refused(error, description, status), settings());
    }

    @Test
    void anUnreachableRefreshUrlIsNamedNotTheTokenUrl() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Map<String, Object> config = new HashMap<>();
        config.put("tokenUrl", "https://login.microsoftonline.com/contoso/oauth2/v2.0/token");
        config.put("refreshUrl", "http://127.0.0.1:" + closed + "/refresh");
        config.put("clientId", "app");
        config.put("refreshToken", "refresh-s3cret");
        OAuthSettings settings = OAuthSettings.from(config);
        TokenEndpointException refused = org.junit.jupiter.api.Assertions.assertThrows(TokenEndpointException.class,
                () -> new TokenEndpoint(settings).refresh("refresh-s3cret", rotated -> { }));
        assertEquals("refreshUrl", refused.endpointSetting);
        MailException e = OAuthFailures.toMailException(refused, settings);
        assertEquals("refreshUrl", e.getSetting().orElseThrow());
        assertTrue(e.getMessage().contains("Check refreshUrl"), e.getMessage());
        assertFalse(e.getMessage().contains("refresh-s3cret"), e.getMessage());
    }

    @Test
    void expiredRefreshTokenSaysToAuthorizeAgain() throws Exception {
        MailException e = map("invalid_grant", "AADSTS700082: The refresh token has expired due to inactivity.", 400);
        assertFalse(e.isTransient());
        assertEquals("refreshToken", e.getSetting().orElseThrow());
        assertTrue(e.getMessage().contains("AADSTS700082"), e.getMessage());
        assertTrue(e.getMessage().contains("The refresh token has expired"), e.getMessage());
    }

    @Test
    void wrongClientSecretNamesTheSecretAndWhereToGetIt() throws Exception {
        MailException e = map("invalid_client", "AADSTS7000215: Invalid client secret provided.", 401);
        assertEquals("clientSecret", e.getSetting().orElseThrow());
        assertTrue(e.getMessage().contains("use the secret's Value, not its ID"), e.getMessage());
        assertFalse(e.getMessage().contains("client-s3cret"));
    }

    @Test
    void expiredClientSecretSaysToCreateANewOne() throws Exception {
        assertTrue(map("invalid_client", "AADSTS7000222: The provided client secret keys are expired.", 401)
                .getMessage().contains("The client secret has expired"));
    }

    @Test
    void redirectUriMismatchNamesTheRedirectSetting() throws Exception {
        MailException e = map("invalid_grant", "AADSTS500116: The reply URL does not match.", 400);
        assertEquals("authCodeRedirectUrl", e.getSetting().orElseThrow());
        assertTrue(e.getMessage().contains("register authCodeRedirectUrl exactly"), e.getMessage());
    }

    @Test
    void serverErrorsAreTransient() throws Exception {
        assertTrue(map("temporarily_unavailable", "try later", 503).isTransient());
        assertFalse(map("invalid_scope", "AADSTS70011", 400).isTransient());
        assertEquals("scopes", map("invalid_scope", "AADSTS70011", 400).getSetting().orElseThrow());
    }

    @Test
    void unregisteredRedirectUriNamesTheRedirectSetting() throws Exception {
        MailException e = authorizing("invalid_request", "AADSTS500113: No reply address is registered for the application.", 400);
        assertEquals("authCodeRedirectUrl", e.getSetting().orElseThrow());
        assertTrue(OAuthFailures.authorizationError("invalid_request", "AADSTS50011: The redirect URI does not match.", settings())
                .getMessage().contains("register authCodeRedirectUrl exactly"));
    }

    @Test
    void confidentialClientWithoutSecretSaysToAllowPublicClientFlows() throws Exception {
        MailException e = authorizing("invalid_client",
                "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", 401);
        assertEquals("clientSecret", e.getSetting().orElseThrow());
        assertTrue(e.getMessage().contains("\"Allow public client flows\""), e.getMessage());
        assertTrue(e.getMessage().contains("or set clientSecret"), e.getMessage());
    }

    @Test
    void publicClientWithSecretSaysToLeaveItEmpty() throws Exception {
        MailException e = authorizing("invalid_client", "AADSTS700025: Client is public so neither 'client_assertion' nor"
                + " 'client_secret' should be presented.", 401);
        assertEquals("clientSecret", e.getSetting().orElseThrow());
        assertTrue(e.getMessage().contains("leave clientSecret empty"), e.getMessage());
        assertFalse(e.getMessage().contains("client-s3cret"));
    }

    @Test
    void missingConsentSaysToGrantAdminConsent() throws Exception {
        MailException e = OAuthFailures.authorizationError("consent_required", "AADSTS65001: The user or administrator has not"
                + " consented to use the application.", settings());
        assertEquals("scopes", e.getSetting().orElseThrow());
        assertTrue(e.getMessage().contains("Grant admin consent"), e.getMessage());
        assertTrue(map("invalid_grant", "AADSTS65001: The user or administrator has not consented", 400).getMessage()
                .contains("Grant admin consent"), "also when it comes with invalid_grant on refresh");
    }

    @Test
    void refusedCodeIsNotMistakenForARefreshTokenProblem() throws Exception {
        MailException e = authorizing("invalid_grant", "AADSTS54005: OAuth2 Authorization code was already redeemed.", 400);
        assertTrue(e.getMessage().startsWith("The authorization did not complete:"), e.getMessage());
        assertTrue(e.getMessage().contains("The provider refused the code"), e.getMessage());
        assertTrue(e.getSetting().isEmpty());
    }

    @Test
    void deviceFlowEndingsSayToAuthorizeAgain() throws Exception {
        assertTrue(authorizing("access_denied", "AADSTS70000", 400).getMessage().contains("The sign-in was declined"));
        MailException declined = authorizing("authorization_declined", "AADSTS70000: The user declined the sign-in.", 400);
        assertTrue(declined.getMessage().contains("The sign-in was declined"), declined.getMessage());
        assertTrue(declined.getSetting().isEmpty(), "not a setting to change: " + declined.getSetting());
        assertTrue(authorizing("expired_token", "AADSTS70020", 400).getMessage().contains("The code expired"));
        assertTrue(authorizing("expired_token", "AADSTS70020", 400).getMessage().contains("mailer.jar authorize"));
    }

    @Test
    void temporaryProblemsOfTheAuthorizationAreTransient() throws Exception {
        assertTrue(OAuthFailures.authorizationError("temporarily_unavailable", null, settings()).isTransient());
        assertFalse(OAuthFailures.authorizationError("access_denied", null, settings()).isTransient());
    }
}
