package dev.mailer.oauth.impl;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.mockwebserver.RecordedRequest;

/** A real OAuth2 server over HTTP on loopback (mock-oauth2-server), with helpers the tests share. */
final class OAuthTestServer implements AutoCloseable {

    static final String ISSUER = "tenant";
    static final String REDIRECT = "http://localhost/callback";

    final MockOAuth2Server server;

    OAuthTestServer(boolean rotateRefreshTokens) {
        server = new MockOAuth2Server(OAuth2Config.Companion.fromJson("{\"rotateRefreshToken\": " + rotateRefreshTokens + "}"));
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    String tokenUrl() {
        return server.tokenEndpointUrl(ISSUER).toString();
    }

    String authorizationUrl() {
        return server.authorizationEndpointUrl(ISSUER).toString();
    }

    /** The next token the server issues is valid for {@code seconds}. */
    void nextTokenExpiresIn(long seconds) {
        server.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER, "workflow@example.com", "JWT", List.of("smtp"),
                Map.of(), seconds));
    }

    Map<String, Object> config(String grantType) {
        Map<String, Object> config = new HashMap<>();
        config.put("tokenUrl", tokenUrl());
        config.put("clientId", "mailer-client");
        config.put("clientSecret", "client-s3cret");
        config.put("scopes", new String[] {"smtp", "offline_access"});
        config.put("grantType", grantType);
        return config;
    }

    /** A refresh token the server issued, through its authorization-code flow (it refreshes only its own). */
    String obtainRefreshToken(OAuthSettings settings) throws Exception {
        URI authorize = URI.create(server.authorizationEndpointUrl(ISSUER) + "?client_id=mailer-client&response_type=code"
                + "&scope=openid+offline_access&state=s1&redirect_uri=" + REDIRECT);
        HttpURLConnection connection = (HttpURLConnection) authorize.toURL().openConnection();
        connection.setInstanceFollowRedirects(false);
        String location = connection.getHeaderField("Location");
        connection.disconnect();
        String query = URI.create(location).getRawQuery();
        String code = null;
        for (String pair : query.split("&")) {
            if (pair.startsWith("code=")) {
                code = URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
            }
        }
        TokenResponse response = new TokenEndpoint(settings).authorizationCode(code, REDIRECT, null);
        drainRequests();
        return response.refreshToken;
    }

    /**
     * The form bodies of the token requests received since the last call. The server records a
     * request before it answers, so every request a finished call made is already queued.
     */
    List<Map<String, String>> drainRequests() {
        List<Map<String, String>> requests = new ArrayList<>();
        RecordedRequest request;
        while ((request = next()) != null) {
            if (request.getPath() != null && request.getPath().endsWith("/token")) {
                requests.add(form(request.getBody().readUtf8()));
            }
        }
        return requests;
    }

    private RecordedRequest next() {
        try {
            return server.takeRequest(50, TimeUnit.MILLISECONDS);
        } catch (RuntimeException empty) {
            return null; // the server throws when the queue stays empty
        }
    }

    /** Decodes a form body or a query string. */
    static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body == null ? new String[0] : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    @Override
    public void close() throws IOException {
        server.shutdown();
    }
}
