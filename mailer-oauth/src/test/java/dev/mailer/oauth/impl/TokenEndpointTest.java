package dev.mailer.oauth.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP status of a JSON error answer decides whether trying later can help. */
class TokenEndpointTest {

    private ScriptedOAuthServer server;

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedOAuthServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aJsonErrorWithStatus429IsTransientWhateverItsErrorCode() throws Exception {
        server.then(ScriptedOAuthServer.TOKEN_PATH, 429, ScriptedOAuthServer.error("throttled", "Too many requests"));

        TokenEndpointException e = assertThrows(TokenEndpointException.class, () -> endpoint().clientCredentials());

        assertEquals("throttled", e.error);
        assertEquals(429, e.httpStatus);
        assertTrue(e.isTransient());
    }

    @Test
    void aJsonErrorWithStatus400KeepsItsStatusAndIsPermanent() throws Exception {
        server.then(ScriptedOAuthServer.TOKEN_PATH, 400, ScriptedOAuthServer.error("invalid_scope", null));

        TokenEndpointException e = assertThrows(TokenEndpointException.class, () -> endpoint().clientCredentials());

        assertEquals(400, e.httpStatus);
        assertFalse(e.isTransient());
    }

    private TokenEndpoint endpoint() throws Exception {
        Map<String, Object> config = server.config();
        config.put("grantType", "client_credentials");
        config.put("clientSecret", "client-s3cret");
        return new TokenEndpoint(OAuthSettings.from(config));
    }
}
