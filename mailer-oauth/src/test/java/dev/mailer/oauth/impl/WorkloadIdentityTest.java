package dev.mailer.oauth.impl;

import static dev.mailer.oauth.impl.AzureTestServer.ENTRA_PATH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

/** grantType=workload_identity against a local Entra ID token endpoint ({@link AzureTestServer}), with a token file the test rotates. */
class WorkloadIdentityTest {

    private final MutableClock clock = new MutableClock();
    @RegisterExtension
    final AzureTestServer azure = new AzureTestServer(clock);

    @TempDir
    Path dir;

    private Path tokenFile() {
        return dir.resolve("azure-identity-token");
    }

    private Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>();
        config.put("grantType", "workload_identity");
        config.put("resource", ManagedIdentityTokensTest.ACS);
        return config;
    }

    /** The variables the AKS workload identity webhook sets, pointing at the local server. */
    private Map<String, String> aksEnvironment() {
        return Map.of("AZURE_CLIENT_ID", "wi-client-id", "AZURE_TENANT_ID", AzureTestServer.TENANT,
                "AZURE_AUTHORITY_HOST", azure.imdsEndpoint() + "/", "AZURE_FEDERATED_TOKEN_FILE", tokenFile().toString());
    }

    private AccessTokens tokens(Map<String, Object> config, Map<String, String> environment) throws Exception {
        OAuthSettings settings = OAuthSettings.from(config, SecretCiphers.none(), environment::get);
        return new AccessTokens(settings, new TokenEndpoint(settings), new RefreshTokenStore(dir.resolve("rt.properties")), clock,
                new Metrics(), duration -> { });
    }

    @Test
    void theFederatedTokenIsReadAnewForEveryRequestAndSentAsAJwtBearerClientAssertion() throws Exception {
        Files.writeString(tokenFile(), "federated-token-1\n");
        AccessTokens tokens = tokens(config(), aksEnvironment());
        azure.tokensExpireIn(600);

        tokens.get();
        Files.writeString(tokenFile(), "federated-token-2\n"); // kubelet rotated it
        clock.advance(Duration.ofSeconds(301));
        tokens.get();

        List<AzureTestServer.Request> requests = azure.requests(ENTRA_PATH);
        assertEquals(2, requests.size());
        for (AzureTestServer.Request request : requests) {
            assertEquals("POST", request.method);
            assertEquals("client_credentials", request.form.get("grant_type"));
            assertEquals("wi-client-id", request.form.get("client_id"));
            assertEquals("https://communication.azure.com/.default", request.form.get("scope"));
            assertEquals("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", request.form.get("client_assertion_type"));
            assertFalse(request.form.containsKey("client_secret"));
        }
        assertEquals("federated-token-1", requests.get(0).form.get("client_assertion"));
        assertEquals("federated-token-2", requests.get(1).form.get("client_assertion"), "the rotated token, read fresh");
    }

    @Test
    void configuredSettingsWinOverTheEnvironment() throws Exception {
        Path own = dir.resolve("own-token");
        Files.writeString(own, "own-federated-token");
        Map<String, Object> config = config();
        config.put("clientId", "configured-client-id");
        config.put("tokenUrl", azure.tokenUrl());
        config.put("federatedTokenFile", own.toString());
        config.put("scopes", "https://outlook.office365.com/.default");

        tokens(config, Map.of("AZURE_CLIENT_ID", "other", "AZURE_FEDERATED_TOKEN_FILE", "/nonexistent")).get();

        Map<String, String> form = azure.requests(ENTRA_PATH).get(0).form;
        assertEquals("configured-client-id", form.get("client_id"));
        assertEquals("own-federated-token", form.get("client_assertion"));
        assertEquals("https://outlook.office365.com/.default", form.get("scope"));
    }

    @Test
    void aSubjectMismatchOfTheFederatedCredentialSaysWhatItMustMatch() throws Exception {
        Files.writeString(tokenFile(), "federated-token");
        azure.then(ENTRA_PATH, 400, "{\"error\":\"invalid_request\",\"error_description\":\"AADSTS70021: No matching federated"
                + " identity record found for presented assertion. Assertion Issuer: 'https://oidc.example/'. Assertion Subject:"
                + " 'system:serviceaccount:default:mailer'.\"}");

        MailException e = assertThrows(MailException.class, tokens(config(), aksEnvironment())::get);

        assertFalse(e.isTransient());
        assertEquals("federatedTokenFile", e.getSetting().orElse(null));
        assertTrue(e.getMessage().contains("AADSTS70021"), e.getMessage());
        assertTrue(e.getDiagnosis().orElse("").contains("subject is system:serviceaccount:NAMESPACE:SERVICE_ACCOUNT"), e.getMessage());
        assertFalse(e.getMessage().contains("federated-token\""), "the assertion is a credential");
    }

    @Test
    void aMissingTokenFileFailsBeforeAnyRequestNamingTheSetting() throws Exception {
        MailException e = assertThrows(MailException.class, tokens(config(), aksEnvironment())::get);

        assertEquals("federatedTokenFile", e.getSetting().orElse(null));
        assertTrue(e.getMessage().contains("the federated token file " + tokenFile() + " cannot be read"), e.getMessage());
        assertTrue(azure.requests().isEmpty());
    }

    @Test
    void withoutTokenFileNorTenantTheConfigurationNamesWhatIsMissing() {
        String problems = assertThrows(Exception.class, () -> OAuthSettings.from(config(), SecretCiphers.none(), name -> null))
                .getMessage();

        assertTrue(problems.contains("tokenUrl: is required but not set"), problems);
        assertTrue(problems.contains("clientId: is required but not set"), problems);
        assertTrue(problems.contains("federatedTokenFile: grantType=workload_identity needs the federated token file"), problems);
    }
}
