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

    private static MailException map(String error, String description, int status) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put("tokenUrl", "https://login.microsoftonline.com/contoso/oauth2/v2.0/token");
        config.put("clientId", "app");
        config.put("clientSecret", "client-s3cret");
        config.put("refreshToken", "refresh-s3cret");
        TokenEndpointException e = new TokenEndpointException(error, description, status,
                "The token endpoint refused the refresh_token request: " + error + " (" + description + ")", null);
        return OAuthFailures.toMailException(e, OAuthSettings.from(config));
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
}
