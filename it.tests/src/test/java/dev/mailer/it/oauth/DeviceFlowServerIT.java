package dev.mailer.it.oauth;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.startsWith;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.json.JSONObject;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * {@link DeviceFlowServer} does what the OAuth tests rely on, checked with raw HTTP as a client
 * sees it: the device flow (pending, approval by the scripted user, tokens), refresh with rotation,
 * introspection at {@code <iss>/introspect} as the SMTP test server does it, and authorization
 * code with PKCE through the scripted browser. A plain JUnit test: the server is a child process.
 */
public class DeviceFlowServerIT {

    private static final String DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
    private static final String SCOPES = "SMTP.Send offline_access";
    private static final String REDIRECT_URI = "http://127.0.0.1:54321/oauth2/callback";

    private static DeviceFlowServer server;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeClass
    public static void startServer() throws Exception {
        Path workDir = Path.of(System.getProperty("mailer.it.work.dir", "target/it-work"), "device-flow-server");
        long started = System.nanoTime();
        server = DeviceFlowServer.builder(workDir).password("s3cret-Pass").start();
        System.out.println("authorization server listening after " + (System.nanoTime() - started) / 1_000_000
                + " ms at " + server.issuer() + ", log " + server.logFile());
    }

    @AfterClass
    public static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    public void metadataNamesTheIssuerAndTheEndpoints() throws Exception {
        JSONObject metadata = json(HTTP.send(HttpRequest.newBuilder(URI.create(server.issuer()
                + "/.well-known/oauth-authorization-server")).build(), HttpResponse.BodyHandlers.ofString()), 200);
        assertThat(server.issuer(), startsWith("http://127.0.0.1:"));
        assertEquals(server.issuer(), metadata.getString("issuer"));
        assertEquals(server.tokenUrl(), metadata.getString("token_endpoint"));
        assertEquals(server.authorizationUrl(), metadata.getString("authorization_endpoint"));
        assertEquals(server.deviceAuthorizationUrl(), metadata.getString("device_authorization_endpoint"));
        assertEquals(server.introspectionUrl(), metadata.getString("introspection_endpoint"));
    }

    @Test
    public void deviceFlowRefreshRotationAndIntrospection() throws Exception {
        JSONObject device = json(postAsClient(server.deviceAuthorizationUrl(), form("scope", SCOPES)), 200);
        assertEquals(server.deviceVerificationUrl(), device.getString("verification_uri"));
        assertEquals(1, device.getInt("interval"));
        String deviceCode = device.getString("device_code");
        String userCode = device.getString("user_code");

        JSONObject pending = json(postAsClient(server.tokenUrl(), form("grant_type", DEVICE_CODE_GRANT, "device_code", deviceCode)), 400);
        assertEquals("authorization_pending", pending.getString("error"));

        server.approveDeviceCode(userCode);

        JSONObject tokens = json(postAsClient(server.tokenUrl(), form("grant_type", DEVICE_CODE_GRANT, "device_code", deviceCode)), 200);
        assertEquals("scope (an unordered set)", Set.of(SCOPES.split(" ")), Set.of(tokens.getString("scope").split(" ")));
        assertAccessTokenOfTheUser(tokens.getString("access_token"));
        String refreshToken = tokens.getString("refresh_token");

        // a device code is good for one token response only (Spring answers a used one as if denied)
        JSONObject again = json(postAsClient(server.tokenUrl(), form("grant_type", DEVICE_CODE_GRANT, "device_code", deviceCode)), 400);
        assertEquals("access_denied", again.getString("error"));

        // refresh, this time with client_secret_basic: a new access token and a new refresh token
        JSONObject refreshed = json(postWithBasic(server.tokenUrl(), server.clientId(), server.clientSecret(),
                form("grant_type", "refresh_token", "refresh_token", refreshToken)), 200);
        assertAccessTokenOfTheUser(refreshed.getString("access_token"));
        assertNotEquals(refreshToken, refreshed.getString("refresh_token"));
        JSONObject reused = json(postAsClient(server.tokenUrl(), form("grant_type", "refresh_token", "refresh_token", refreshToken)), 400);
        assertEquals("the rotated-out refresh token is refused", "invalid_grant", reused.getString("error"));

        // as the SMTP test server asks (Xoauth2Mechanism): <iss>/introspect with its own Basic credentials
        JSONObject introspection = json(postWithBasic(server.issuer() + "/introspect", DeviceFlowServer.INTROSPECTION_CLIENT_ID,
                DeviceFlowServer.INTROSPECTION_CLIENT_SECRET, form("token", refreshed.getString("access_token"))), 200);
        assertTrue(introspection.toString(), introspection.getBoolean("active"));
        assertEquals(server.username(), introspection.getString("sub"));
        assertEquals(server.issuer(), introspection.getString("iss"));
        assertTrue(introspection.getLong("exp") * 1000 > System.currentTimeMillis());
        JSONObject forged = json(postWithBasic(server.introspectionUrl(), DeviceFlowServer.INTROSPECTION_CLIENT_ID,
                DeviceFlowServer.INTROSPECTION_CLIENT_SECRET, form("token", "not-a-token")), 200);
        assertFalse(forged.getBoolean("active"));
    }

    @Test
    public void authorizationCodeWithPkceThroughTheBrowser() throws Exception {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        URI request = URI.create(server.authorizationUrl() + "?" + form("response_type", "code", "client_id", server.clientId(),
                "redirect_uri", REDIRECT_URI, "scope", SCOPES, "state", "st-123",
                "code_challenge", challenge, "code_challenge_method", "S256"));

        String callback = server.authorizeInBrowser(request);

        assertThat(callback, startsWith(REDIRECT_URI + "?"));
        Map<String, String> query = parseQuery(URI.create(callback).getRawQuery());
        assertEquals(callback, "st-123", query.get("state"));
        String code = query.get("code");
        JSONObject tokens = json(postAsClient(server.tokenUrl(), form("grant_type", "authorization_code", "code", code,
                "redirect_uri", REDIRECT_URI, "code_verifier", verifier)), 200);
        assertAccessTokenOfTheUser(tokens.getString("access_token"));
        assertTrue(tokens.toString(), tokens.has("refresh_token"));
    }

    @Test
    public void approvingAnUnknownCodeFailsWithTheSteps() throws Exception {
        try {
            server.approveDeviceCode("BCDF-GHJK");
            fail("an unknown user code was approved");
        } catch (AssertionError expected) {
            assertThat(expected.getMessage(), containsString("got HTTP 400"));
            assertThat(expected.getMessage(), containsString("invalid_grant"));
        }
    }

    @Test
    public void closeStopsTheServer() throws Exception {
        Path workDir = Path.of(System.getProperty("mailer.it.work.dir", "target/it-work"), "device-flow-server");
        DeviceFlowServer second = DeviceFlowServer.builder(workDir).password("other").start();
        URI metadata = URI.create(second.issuer() + "/.well-known/oauth-authorization-server");
        assertEquals(200, HTTP.send(HttpRequest.newBuilder(metadata).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        second.close();
        try {
            HTTP.send(HttpRequest.newBuilder(metadata).build(), HttpResponse.BodyHandlers.ofString());
            fail("still answering after close()");
        } catch (ConnectException expected) {
            // nothing listens any more
        }
    }

    /** A JWT of this issuer for the user, checked at its claims (the signature is introspection's business). */
    private static void assertAccessTokenOfTheUser(String accessToken) {
        String[] parts = accessToken.split("\\.");
        assertEquals("a JWS", 3, parts.length);
        JSONObject claims = new JSONObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        assertEquals(server.issuer(), claims.getString("iss"));
        assertEquals(server.username(), claims.getString("sub"));
    }

    /** A token-endpoint style request with client_secret_post: the way the mailer authenticates. */
    private static HttpResponse<String> postAsClient(String url, String form) throws IOException, InterruptedException {
        String body = form + "&" + form("client_id", server.clientId(), "client_secret", server.clientSecret());
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> postWithBasic(String url, String user, String password, String form)
            throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic).POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JSONObject json(HttpResponse<String> response, int expectedStatus) {
        assertEquals(response.uri() + " answered " + response.body() + "\nserver log:\n" + server.log(),
                expectedStatus, response.statusCode());
        return new JSONObject(response.body());
    }

    private static String form(String... namesAndValues) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return fields;
    }
}
