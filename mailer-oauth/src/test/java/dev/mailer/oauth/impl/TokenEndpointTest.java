package dev.mailer.oauth.impl;

import static dev.mailer.oauth.impl.OAuthTestServer.TOKEN_PATH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.mailer.api.MailException;

/**
 * The HTTP status of a JSON error answer decides whether trying later can help; token responses
 * are read leniently where servers differ (expires_in) and refused clearly where they are unusable.
 */
class TokenEndpointTest {

    @RegisterExtension
    final OAuthTestServer server = new OAuthTestServer();

    @Test
    void aJsonErrorWithStatus429IsTransientWhateverItsErrorCode() throws Exception {
        server.then(TOKEN_PATH, 429, OAuthTestServer.error("throttled", "Too many requests"));

        TokenEndpointException e = assertThrows(TokenEndpointException.class, () -> endpoint().clientCredentials());

        assertEquals("throttled", e.error);
        assertEquals(429, e.httpStatus);
        assertTrue(e.isTransient());
    }

    @Test
    void aJsonErrorWithStatus400KeepsItsStatusAndIsPermanent() throws Exception {
        server.then(TOKEN_PATH, 400, OAuthTestServer.error("invalid_scope", null));

        TokenEndpointException e = assertThrows(TokenEndpointException.class, () -> endpoint().clientCredentials());

        assertEquals(400, e.httpStatus);
        assertFalse(e.isTransient());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "3599         | 3599",
        "3599.0       | 3599",
        "\"3600\"     | 3600",
        "\" 1799.9 \" | 1799",
        "1e30         | 86400",
        "9223372036854775807 | 86400",
        "99999999999999999999999 | 86400",
        "-5           | ",
        "0            | ",
        "null         | "})
    void expiresInIsReadAsIntegerDecimalOrStringAndClamped(String expiresIn, Long seconds) throws Exception {
        server.then(TOKEN_PATH, 200, "{\"access_token\":\"access-s3cret\",\"expires_in\":" + expiresIn + "}");

        TokenResponse response = endpoint().clientCredentials();

        assertEquals("access-s3cret", response.accessToken);
        assertEquals(seconds, response.expiresIn);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "<html>Sign in</html>                                   | the response body is not a JSON object",
        "[\"access-s3cret\"]                                    | the response body is not a JSON object",
        "{\"token_type\":\"Bearer\"}                            | no access_token",
        "{\"access_token\":\"\"}                                | no access_token",
        "{\"access_token\":42}                                  | access_token is not a string",
        "{\"access_token\":{\"value\":\"access-s3cret\"}}       | access_token is not a string",
        "{\"access_token\":\"access-s3cret\",\"expires_in\":true}  | expires_in is not a number of seconds",
        "{\"access_token\":\"access-s3cret\",\"expires_in\":\"soon\"} | expires_in is not a number of seconds",
        "{\"access_token\":\"access-s3cret\",\"refresh_token\":7}  | refresh_token is not a string"})
    void aMalformedTokenResponseIsAPermanentFailureNamingTokenUrl(String body, String problem) throws Exception {
        server.then(TOKEN_PATH, 200, body);
        OAuthSettings settings = settings();

        TokenEndpointException refused = assertThrows(TokenEndpointException.class,
                () -> new TokenEndpoint(settings).clientCredentials());
        MailException e = OAuthFailures.toMailException(refused, settings);

        assertFalse(e.isTransient());
        assertEquals("tokenUrl", e.getSetting().orElseThrow());
        assertTrue(e.getMessage().startsWith("No OAuth2 access token: The token endpoint " + server.url(TOKEN_PATH)
                + " gave no usable answer: " + problem + "; nothing was sent. Check that tokenUrl is the provider's token"
                + " endpoint"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void aMalformedAnswerFromRefreshUrlNamesRefreshUrl() throws Exception {
        server.then(OAuthTestServer.REFRESH_PATH, 200, "{\"access_token\":\"access-s3cret\",\"expires_in\":[3600]}");
        Map<String, Object> config = server.scriptedConfig();
        config.put("refreshUrl", server.url(OAuthTestServer.REFRESH_PATH));
        OAuthSettings settings = OAuthSettings.from(config);

        TokenEndpointException refused = assertThrows(TokenEndpointException.class,
                () -> new TokenEndpoint(settings).refresh("refresh-s3cret", rotated -> { }));
        MailException e = OAuthFailures.toMailException(refused, settings);

        assertEquals("refreshUrl", e.getSetting().orElseThrow());
        assertTrue(e.getMessage().contains(server.url(OAuthTestServer.REFRESH_PATH) + " gave no usable answer: expires_in"),
                e.getMessage());
    }

    @Test
    void aRotatedRefreshTokenIsHandedOverBeforeTheRestOfAnOddAnswerIsChecked() throws Exception {
        server.then(TOKEN_PATH, 200, "{\"refresh_token\":\"refresh-1\",\"expires_in\":true}");
        List<String> rotated = new ArrayList<>();

        assertThrows(TokenEndpointException.class, () -> new TokenEndpoint(settings()).refresh("refresh-0", rotated::add));

        assertEquals(List.of("refresh-1"), rotated);
    }

    @Test
    void aRefreshTokenTheServerSendsBackUnchangedIsNoRotation() throws Exception {
        server.then(TOKEN_PATH, 200, "{\"access_token\":\"access-1\",\"refresh_token\":\"refresh-0\"}");
        List<String> rotated = new ArrayList<>();

        assertEquals("refresh-0", new TokenEndpoint(settings()).refresh("refresh-0", rotated::add).refreshToken);

        assertEquals(List.of(), rotated);
    }

    private OAuthSettings settings() throws Exception {
        Map<String, Object> config = server.scriptedConfig();
        config.put("grantType", "client_credentials");
        config.put("clientSecret", "client-s3cret");
        return OAuthSettings.from(config);
    }

    private TokenEndpoint endpoint() throws Exception {
        return new TokenEndpoint(settings());
    }
}
