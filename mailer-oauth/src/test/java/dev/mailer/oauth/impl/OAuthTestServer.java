package dev.mailer.oauth.impl;

import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.mailer.testsupport.net.LoopbackHttp;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.Headers;
import okhttp3.mockwebserver.RecordedRequest;

/**
 * The OAuth2 server of this module's tests, over HTTP on loopback; a test registers it with
 * {@code @RegisterExtension}, which stops it after each test. It has two kinds of endpoints:
 * <ul>
 * <li>those of a real OAuth2 server (mock-oauth2-server, issuer {@link #ISSUER}): it issues JWTs,
 * checks the PKCE verifier and rotates the refresh tokens it issued ({@link #tokenUrl},
 * {@link #authorizationUrl}, {@link #config(String)});</li>
 * <li>scripted ones for what that server does not do (the device-code flow, odd answers, answers
 * held back while a test acts, single-use refresh tokens with reuse detection): {@link #TOKEN_PATH},
 * {@link #DEVICE_PATH} and {@link #REFRESH_PATH} answer what {@link #then} queued
 * ({@link #scriptedConfig()}).</li>
 * </ul>
 * Each connection is served on a thread of its own, so a held answer does not keep the next
 * request out; a scripted request is recorded as it arrives, before it is answered.
 */
final class OAuthTestServer extends MockServerExtension {

    static final String ISSUER = "tenant";
    static final String REDIRECT = "http://localhost/callback";

    static final String DEVICE_PATH = "/devicecode";
    static final String TOKEN_PATH = "/token";
    /** A second scripted token endpoint, for refreshUrl. */
    static final String REFRESH_PATH = "/refresh";

    private final Map<String, Deque<OAuth2HttpResponse>> scripts = new HashMap<>();
    private final Map<String, List<Map<String, String>>> received = new HashMap<>();
    private volatile Runnable beforeAnswer = () -> { };
    // guarded by scripts
    private Rotation rotation;

    OAuthTestServer() {
        super(OAuth2Config.Companion.fromJson("{\"rotateRefreshToken\": true}"));
        for (String path : List.of(DEVICE_PATH, TOKEN_PATH, REFRESH_PATH)) {
            scripts.put(path, new ArrayDeque<>());
            received.put(path, new ArrayList<>());
        }
    }

    @Override
    Route[] routes() {
        return new Route[] {new Scripted()};
    }

    // the real server's endpoints

    String tokenUrl() {
        return server.tokenEndpointUrl(ISSUER).toString();
    }

    String authorizationUrl() {
        return server.authorizationEndpointUrl(ISSUER).toString();
    }

    /** The next token the real server issues is valid for {@code seconds}. */
    void nextTokenExpiresIn(long seconds) {
        server.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER, "workflow@example.com", "JWT", List.of("smtp"),
                Map.of(), seconds));
    }

    /** A configuration of {@code grantType} against the real server, with a client secret and without refresh token. */
    Map<String, Object> config(String grantType) {
        Map<String, Object> config = client(tokenUrl());
        config.put("clientSecret", "client-s3cret");
        config.put("scopes", new String[] {"smtp", "offline_access"});
        config.put("grantType", grantType);
        return config;
    }

    /** A refresh token the real server issued, through its authorization-code flow (it refreshes only its own). */
    String obtainRefreshToken(OAuthSettings settings) throws Exception {
        URI authorize = URI.create(authorizationUrl() + "?client_id=mailer-client&response_type=code"
                + "&scope=openid+offline_access&state=s1&redirect_uri=" + REDIRECT);
        HttpURLConnection connection = (HttpURLConnection) authorize.toURL().openConnection();
        connection.setInstanceFollowRedirects(false);
        String location = connection.getHeaderField("Location");
        connection.disconnect();
        String code = form(URI.create(location).getRawQuery()).get("code");
        TokenResponse response = new TokenEndpoint(settings).authorizationCode(code, REDIRECT, null);
        drainRequests();
        return response.refreshToken;
    }

    /**
     * The form bodies of the requests to the real token endpoint since the last call. The server
     * records a request before it answers, so every request a finished call made is already queued.
     */
    List<Map<String, String>> drainRequests() {
        List<Map<String, String>> requests = new ArrayList<>();
        RecordedRequest request;
        while ((request = next()) != null) {
            if (("/" + ISSUER + "/token").equals(request.getPath())) {
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

    // the scripted endpoints

    /** A configuration of the refresh_token grant against the scripted endpoints, a public client without refresh token. */
    Map<String, Object> scriptedConfig() {
        Map<String, Object> config = client(url(TOKEN_PATH));
        config.put("deviceAuthUrl", url(DEVICE_PATH));
        config.put("scopes", new String[] {"https://outlook.office.com/SMTP.Send", "offline_access"});
        return config;
    }

    /** The next request to {@code path} gets {@code status} with {@code json}; the last answer repeats once the script is used up. */
    OAuthTestServer then(String path, int status, String json) {
        synchronized (scripts) {
            scripts.get(path).add(json(status, json));
        }
        return this;
    }

    /** Runs {@code action} on the server's thread before each scripted answer, while the client waits for it. */
    OAuthTestServer beforeEachAnswer(Runnable action) {
        this.beforeAnswer = action;
        return this;
    }

    /**
     * From now on refresh_token requests to the scripted endpoints are answered as by a server
     * whose refresh tokens rotate and are single-use (Keycloak, Okta, Auth0): {@code first}, then
     * each successor, is exchanged once for a new access token ({@code access-1}, ...) valid for
     * {@code expiresIn} seconds and a new refresh token ({@code refresh-1}, ...); a refresh token
     * sent again revokes them all.
     */
    OAuthTestServer rotatingRefreshTokens(String first, long expiresIn) {
        synchronized (scripts) {
            rotation = new Rotation(first, expiresIn);
        }
        return this;
    }

    /** Waits until {@code count} requests reached the scripted {@code path}; false when the deadline passed first. */
    boolean awaitRequests(String path, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (scripts) {
            while (received.get(path).size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(scripts, left);
            }
            return true;
        }
    }

    /** The forms received at the scripted {@code path}, oldest first. */
    List<Map<String, String>> requests(String path) {
        synchronized (scripts) {
            return List.copyOf(received.get(path));
        }
    }

    /** The refresh tokens the scripted token endpoint received, in the order they came. */
    List<String> refreshTokensReceived() {
        List<String> tokens = new ArrayList<>();
        for (Map<String, String> form : requests(TOKEN_PATH)) {
            if (form.containsKey("refresh_token")) {
                tokens.add(form.get("refresh_token"));
            }
        }
        return tokens;
    }

    /** A token response with {@code accessToken}, valid for {@code expiresIn} seconds. */
    static String token(String accessToken, long expiresIn) {
        return "{\"access_token\":\"" + accessToken + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + "}";
    }

    /** An OAuth error response. */
    static String error(String error, String description) {
        return "{\"error\":\"" + error + "\"" + (description == null ? "" : ",\"error_description\":\"" + description + "\"") + "}";
    }

    /** Decodes a form body or a query string. */
    static Map<String, String> form(String body) {
        return body == null ? new HashMap<>() : new HashMap<>(LoopbackHttp.form(body));
    }

    private static OAuth2HttpResponse json(int status, String body) {
        return new OAuth2HttpResponse(Headers.of("Content-Type", "application/json;charset=UTF-8"), status, body, null);
    }

    private static Map<String, Object> client(String tokenUrl) {
        Map<String, Object> config = new HashMap<>();
        config.put("tokenUrl", tokenUrl);
        config.put("clientId", "mailer-client");
        return config;
    }

    /** Records the request, then answers with the rotation or the script of its path. */
    private OAuth2HttpResponse answer(String path, String body) {
        synchronized (scripts) {
            Map<String, String> form = form(body);
            received.get(path).add(form);
            scripts.notifyAll();
            if (rotation != null && "refresh_token".equals(form.get("grant_type"))) {
                return rotation.exchange(form.get("refresh_token"));
            }
            Deque<OAuth2HttpResponse> script = scripts.get(path);
            OAuth2HttpResponse next = script.size() > 1 ? script.poll() : script.peek();
            return next != null ? next : json(500, error("server_error", "nothing scripted"));
        }
    }

    /** The scripted paths, tried before the real server's routes. */
    private final class Scripted implements Route {
        @Override
        public boolean match(OAuth2HttpRequest request) {
            return scripts != null && scripts.containsKey(request.getUrl().encodedPath());
        }

        @Override
        public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
            OAuth2HttpResponse answer = answer(request.getUrl().encodedPath(), request.getBody());
            beforeAnswer.run();
            return answer;
        }
    }

    /** Single-use refresh tokens with reuse detection. Guarded by the server's lock. */
    private static final class Rotation {
        private final Set<String> valid = new HashSet<>();
        private final long expiresIn;
        private int issued;

        Rotation(String first, long expiresIn) {
            this.valid.add(first);
            this.expiresIn = expiresIn;
        }

        OAuth2HttpResponse exchange(String refreshToken) {
            if (!valid.remove(refreshToken)) {
                valid.clear(); // a reused refresh token: the whole sign-in is revoked
                return json(400, error("invalid_grant", "refresh token reuse detected; the session is revoked"));
            }
            issued++;
            valid.add("refresh-" + issued);
            return json(200, "{\"access_token\":\"access-" + issued + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                    + expiresIn + ",\"refresh_token\":\"refresh-" + issued + "\"}");
        }
    }
}
