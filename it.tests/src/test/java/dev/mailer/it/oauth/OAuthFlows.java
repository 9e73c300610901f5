package dev.mailer.it.oauth;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import org.json.JSONObject;

import dev.mailer.testsupport.net.Http;

/**
 * What a user does once, before the mailer can use the {@code refresh_token} grant: consent in the
 * browser (authorization code flow) and put the refresh token into the secret file. Done directly
 * against the OAuth2 server (not through {@link TokenRelay}, whose record is the mailer's requests).
 * mock-oauth2-server refreshes only refresh tokens it issued itself, so each test gets its own.
 */
public final class OAuthFlows {

    public static final String REDIRECT_URI = "http://localhost:8765/oauth2/callback";

    private OAuthFlows() {
    }

    /** A refresh token of {@code issuer}, for the mailbox user (authorization code flow, no PKCE). */
    public static String obtainRefreshToken(String serverBase, Issuers issuer, String clientId, String clientSecret)
            throws IOException {
        String base = serverBase + "/" + issuer.id();
        String location = Http.get(base + "/authorize?client_id=" + enc(clientId) + "&response_type=code"
                + "&scope=" + enc("openid offline_access " + Issuers.SMTP_SCOPE) + "&state=it&redirect_uri=" + enc(REDIRECT_URI))
                .location();
        String code = Http.query(location).get("code");
        if (code == null) {
            throw new IOException("no code in the redirect of " + base + "/authorize");
        }
        JSONObject answer = post(base + "/token", "grant_type=authorization_code&code=" + enc(code) + "&redirect_uri="
                + enc(REDIRECT_URI) + "&client_id=" + enc(clientId) + "&client_secret=" + enc(clientSecret));
        String refreshToken = answer.optString("refresh_token", null);
        if (refreshToken == null) {
            throw new IOException("the code exchange at " + base + " returned no refresh_token: " + answer.keySet());
        }
        return refreshToken;
    }

    /** An app-only access token of {@code issuer}, obtained directly at the server (not through the relay). */
    public static String clientCredentialsToken(String serverBase, Issuers issuer, String clientId, String clientSecret)
            throws IOException {
        return post(serverBase + "/" + issuer.id() + "/token", "grant_type=client_credentials&scope="
                + enc("https://outlook.office365.com/.default") + "&client_id=" + enc(clientId) + "&client_secret="
                + enc(clientSecret)).getString("access_token");
    }

    /**
     * Exchanges {@code refreshToken} directly at the server (not through the relay) and returns the
     * OAuth {@code error} of the answer, or null when the server accepted it.
     */
    public static String refreshError(String serverBase, Issuers issuer, String clientId, String clientSecret, String refreshToken)
            throws IOException {
        try {
            post(serverBase + "/" + issuer.id() + "/token", "grant_type=refresh_token&refresh_token=" + enc(refreshToken)
                    + "&client_id=" + enc(clientId) + "&client_secret=" + enc(clientSecret));
            return null;
        } catch (OAuthErrorAnswer e) {
            return e.error;
        }
    }

    private static JSONObject post(String url, String form) throws IOException {
        Http.Response answer = Http.post(url, null, form);
        if (answer.status() != 200) {
            String error = null;
            try {
                error = new JSONObject(answer.body()).optString("error", null);
            } catch (RuntimeException notJson) {
                // reported below
            }
            throw new OAuthErrorAnswer(url + " answered HTTP " + answer.status() + ": " + answer.body(), error);
        }
        return new JSONObject(answer.body());
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** An error answer of the token endpoint. */
    private static final class OAuthErrorAnswer extends IOException {
        private static final long serialVersionUID = 1L;
        final String error;

        OAuthErrorAnswer(String message, String error) {
            super(message);
            this.error = error;
        }
    }
}
