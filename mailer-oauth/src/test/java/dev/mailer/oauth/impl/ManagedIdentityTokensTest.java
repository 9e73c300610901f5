package dev.mailer.oauth.impl;

import static dev.mailer.oauth.impl.AzureTestServer.APP_SERVICE_PATH;
import static dev.mailer.oauth.impl.AzureTestServer.IDENTITY_HEADER;
import static dev.mailer.oauth.impl.AzureTestServer.IMDS_PATH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.api.MailException;
import dev.mailer.commons.crypto.SecretCiphers;
import dev.mailer.commons.metrics.Metrics;
import dev.mailer.commons.testing.MutableClock;

/**
 * grantType=managed_identity against a local instance metadata service and App Service identity
 * endpoint ({@link AzureTestServer}); time is a test clock, and the retries wait on a sleeper that
 * only records. No test leaves loopback: each names its endpoint.
 */
class ManagedIdentityTokensTest {

    static final String ACS = "https://communication.azure.com/";

    private final MutableClock clock = new MutableClock();
    @RegisterExtension
    final AzureTestServer azure = new AzureTestServer(clock);
    private final List<Duration> sleeps = new ArrayList<>();

    @TempDir
    Path data;

    private Map<String, Object> imdsConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put("grantType", "managed_identity");
        config.put("resource", ACS);
        config.put("imdsEndpoint", azure.imdsEndpoint());
        return config;
    }

    private AccessTokens tokens(Map<String, Object> config, Map<String, String> environment) throws Exception {
        OAuthSettings settings = OAuthSettings.from(config, SecretCiphers.none(), environment::get);
        return new AccessTokens(settings, new TokenEndpoint(settings), new RefreshTokenStore(data.resolve("rt.properties")), clock,
                new Metrics(), duration -> sleeps.add(duration));
    }

    private AccessTokens tokens(Map<String, Object> config) throws Exception {
        return tokens(config, Map.of());
    }

    @Test
    void theMetadataServiceIsAskedWithAGetCarryingMetadataTrueTheApiVersionTheResourceAndTheClientId() throws Exception {
        Map<String, Object> config = imdsConfig();
        config.put("clientId", "user-assigned-client-id");

        String token = tokens(config).get();

        List<AzureTestServer.Request> requests = azure.requests();
        assertEquals(1, requests.size(), requests.toString());
        AzureTestServer.Request request = requests.get(0);
        assertEquals("GET", request.method);
        assertEquals(IMDS_PATH, request.path);
        assertEquals(Map.of("api-version", "2018-02-01", "resource", ACS, "client_id", "user-assigned-client-id"), request.query);
        assertEquals("true", request.headers.get("metadata"));
        assertFalse(request.headers.containsKey("x-identity-header"));
        assertTrue(token.startsWith("eyJ"), "the JWT the service issued");
    }

    @Test
    void aSystemAssignedIdentitySendsNoClientId() throws Exception {
        tokens(imdsConfig()).get();

        assertEquals(Map.of("api-version", "2018-02-01", "resource", ACS), azure.requests(IMDS_PATH).get(0).query);
    }

    @Test
    void onAppServiceTheIdentityEndpointAndHeaderOfTheEnvironmentAreUsed() throws Exception {
        Map<String, Object> config = imdsConfig();
        config.remove("imdsEndpoint");
        config.put("clientId", "user-assigned-client-id");

        AccessTokens tokens = tokens(config, Map.of("IDENTITY_ENDPOINT", azure.identityEndpoint(), "IDENTITY_HEADER", IDENTITY_HEADER));
        tokens.get();

        AzureTestServer.Request request = azure.requests().get(0);
        assertEquals("GET", request.method);
        assertEquals(APP_SERVICE_PATH, request.path);
        assertEquals(Map.of("api-version", "2019-08-01", "resource", ACS, "client_id", "user-assigned-client-id"), request.query);
        assertEquals(IDENTITY_HEADER, request.headers.get("x-identity-header"));
        assertFalse(request.headers.containsKey("metadata"));
        assertEquals(azure.identityEndpoint(), tokens.status().getTokenUrl());
    }

    @Test
    void withoutImdsEndpointTheSettingIsTheLinkLocalServiceWhichNoTestContacts() throws Exception {
        Map<String, Object> config = imdsConfig();
        config.remove("imdsEndpoint");

        OAuthSettings settings = OAuthSettings.from(config, SecretCiphers.none(), name -> null);

        assertEquals(URI.create("http://169.254.169.254"), settings.imdsEndpoint);
        assertEquals(null, settings.identityEndpoint);
        assertTrue(settings.toString().contains("imdsEndpoint=http://169.254.169.254"), settings.toString());
    }

    @Test
    void expiresOnInEpochSecondsIsTheExpiryAcrossRenewals() throws Exception {
        AccessTokens tokens = tokens(imdsConfig());
        azure.tokensExpireIn(600);

        String first = tokens.get();
        assertEquals(clock.instant().plusSeconds(600), tokens.expiryOf(first));
        clock.advance(Duration.ofSeconds(250));
        assertEquals(first, tokens.get(), "cached until 300 s before its expiry");
        assertEquals(1, azure.requests().size());

        clock.advance(Duration.ofSeconds(100));
        String second = tokens.get();
        assertNotEquals(first, second);
        assertEquals(clock.instant().plusSeconds(600), tokens.expiryOf(second));
        clock.advance(Duration.ofSeconds(350));
        String third = tokens.get();
        assertEquals(3, azure.requests().size());
        assertEquals(clock.instant().plusSeconds(600), tokens.expiryOf(third));
    }

    @Test
    void expiresOnWinsOverExpiresInAndExpiresInAloneAsAStringIsRead() throws Exception {
        AccessTokens tokens = tokens(imdsConfig());
        long inTenMinutes = clock.instant().getEpochSecond() + 600;
        azure.then(IMDS_PATH, 200, "{\"access_token\":\"at-1\",\"expires_in\":\"3599\",\"expires_on\":\"" + inTenMinutes + "\"}")
                .then(IMDS_PATH, 200, "{\"access_token\":\"at-2\",\"expires_in\":\"1200\"}");

        assertEquals("at-1", tokens.get());
        assertEquals(clock.instant().plusSeconds(600), tokens.expiryOf("at-1"));
        clock.advance(Duration.ofSeconds(301));
        assertEquals("at-2", tokens.get());
        assertEquals(clock.instant().plusSeconds(1200), tokens.expiryOf("at-2"));
    }

    @Test
    void throttlingAndServerErrorsAreRetriedWithExponentialBackoffThenTheTokenIsUsed() throws Exception {
        AccessTokens tokens = tokens(imdsConfig());
        azure.then(IMDS_PATH, 429, "Too many requests").then(IMDS_PATH, 503, "{\"error\":\"service_unavailable\"}");

        String token = tokens.get();

        assertTrue(token.startsWith("eyJ"));
        assertEquals(3, azure.requests(IMDS_PATH).size());
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), sleeps);
        assertEquals(null, tokens.status().getLastError().orElse(null));
    }

    @Test
    void retriesAreBoundedAndTheLastFailureIsTransient() throws Exception {
        AccessTokens tokens = tokens(imdsConfig());
        for (int i = 0; i < 10; i++) {
            azure.then(IMDS_PATH, 500, "{\"error\":\"server_error\",\"error_description\":\"boom\"}");
        }

        MailException e = assertThrows(MailException.class, tokens::get);

        assertTrue(e.isTransient(), e.getMessage());
        assertEquals(1 + ManagedIdentityTokens.MAX_RETRIES, azure.requests(IMDS_PATH).size());
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8)), sleeps);
    }

    @Test
    void identityNotFoundSaysToAssignAnIdentityAndIsNotRetried() throws Exception {
        Map<String, Object> config = imdsConfig();
        config.put("clientId", "user-assigned-client-id");
        azure.then(IMDS_PATH, 400, "{\"error\":\"invalid_request\",\"error_description\":\"Identity not found\"}");

        MailException e = assertThrows(MailException.class, tokens(config)::get);

        assertFalse(e.isTransient());
        assertEquals(1, azure.requests().size());
        assertEquals("clientId", e.getSetting().orElse(null));
        assertTrue(e.getMessage().startsWith("No OAuth2 access token: The instance metadata service " + azure.imdsEndpoint() + IMDS_PATH
                + " refused the token request for " + ACS + ": invalid_request (Identity not found)"), e.getMessage());
        assertTrue(e.getDiagnosis().orElse("").startsWith("No managed identity is assigned to this resource with the client ID"
                + " user-assigned-client-id"), e.getMessage());
    }

    @Test
    void appServicesOwnErrorFormatGivesTheSameAdvice() throws Exception {
        Map<String, Object> config = imdsConfig();
        config.put("identityEndpoint", azure.identityEndpoint());
        config.put("identityHeader", IDENTITY_HEADER);
        azure.then(APP_SERVICE_PATH, 400, "{\"statusCode\":400,\"message\":\"No Managed Identity found for specified"
                + " ClientId/ResourceId/PrincipalId.\",\"correlationId\":\"c0ffee\"}");

        MailException e = assertThrows(MailException.class, tokens(config)::get);

        assertTrue(e.getMessage().contains("HTTP 400 (No Managed Identity found"), e.getMessage());
        assertTrue(e.getDiagnosis().orElse("").startsWith("No managed identity is assigned to this resource"), e.getMessage());
        assertFalse(e.getMessage().contains(IDENTITY_HEADER), "the header is a secret");
    }

    @Test
    void aResourceUnknownToTheTenantNamesTheResourceSetting() throws Exception {
        azure.then(IMDS_PATH, 400, "{\"error\":\"invalid_resource\",\"error_description\":\"AADSTS500011: The resource principal"
                + " named https://communication.azure.co/ was not found in the tenant named contoso.\"}");

        MailException e = assertThrows(MailException.class, tokens(imdsConfig())::get);

        assertEquals("resource", e.getSetting().orElse(null));
        assertTrue(e.getDiagnosis().orElse("").contains("https://communication.azure.com/ for Azure Communication Services"),
                e.getMessage());
    }

    @Test
    void aRoleThatIsNotAssignedIsNamed() throws Exception {
        azure.then(IMDS_PATH, 400, "{\"error\":\"invalid_request\",\"error_description\":\"AADSTS501051: Application"
                + " 'mailer' is not assigned to a role for the application 'Communication'.\"}");

        MailException e = assertThrows(MailException.class, tokens(imdsConfig())::get);

        assertTrue(e.getDiagnosis().orElse("").startsWith("The identity is not assigned a role of the resource"), e.getMessage());
    }

    @Test
    void noMetadataServiceSaysTheGrantWorksOnAzureOnly() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Map<String, Object> config = imdsConfig();
        config.put("imdsEndpoint", "http://127.0.0.1:" + closedPort);

        MailException e = assertThrows(MailException.class, tokens(config)::get);

        assertTrue(e.isTransient());
        assertEquals("imdsEndpoint", e.getSetting().orElse(null));
        assertTrue(e.getDiagnosis().orElse("").startsWith("grantType=managed_identity works on Azure only"), e.getMessage());
        assertTrue(sleeps.isEmpty(), "no answer is not retried: off Azure it never comes");
    }

    @Test
    void theResourceIsRequiredAndHalfOfAppServicesSettingsIsAProblem() {
        Map<String, Object> config = imdsConfig();
        config.remove("resource");
        config.put("identityEndpoint", azure.identityEndpoint());

        String problems = assertThrows(Exception.class, () -> OAuthSettings.from(config, SecretCiphers.none(), name -> null)).getMessage();

        assertTrue(problems.contains("resource: grantType=managed_identity needs the resource the token is for"), problems);
        assertTrue(problems.contains("identityHeader: App Service's managed identity needs both identityEndpoint and identityHeader"),
                problems);
    }

    @Test
    void plainHttpIsRefusedForAnIdentityEndpointThatIsNotOnThisHost() {
        Map<String, Object> config = imdsConfig();
        config.put("imdsEndpoint", "http://metadata.example.com");

        String problems = assertThrows(Exception.class, () -> OAuthSettings.from(config, SecretCiphers.none(), name -> null)).getMessage();

        assertTrue(problems.contains("imdsEndpoint: 'http://metadata.example.com' uses plain http"), problems);
    }
}
