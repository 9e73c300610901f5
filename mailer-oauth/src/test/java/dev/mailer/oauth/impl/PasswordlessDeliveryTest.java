package dev.mailer.oauth.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.commons.crypto.SecretCiphers;
import dev.mailer.core.impl.MailServices;
import dev.mailer.testsupport.smtp.TestSmtpServer;
import dev.mailer.testsupport.smtp.Xoauth2Mechanism;

/**
 * Mail delivered through the real mail service with the tokens of each passwordless grant, to the
 * test SMTP server whose XOAUTH2 introspects every token at the issuer ({@link AzureTestServer}'s
 * OAuth2 server): as ACS does, it accepts a token of an identity that was granted the SMTP username.
 */
class PasswordlessDeliveryTest {

    /** The ACS SMTP username (of the resource linked to the identity); the sender is a verified address. */
    private static final String SMTP_USERNAME = "mailer-smtp-username";
    private static final String SENDER = "DoNotReply@contoso.azurecomm.net";
    private static final String USER_ASSIGNED = "user-assigned-client-id";

    @RegisterExtension
    final AzureTestServer azure = new AzureTestServer(Clock.systemUTC());
    private Xoauth2Mechanism xoauth2;
    private TestSmtpServer smtp;
    private MailService mail;

    @TempDir
    Path dir;

    @BeforeEach
    void startSmtp() throws Exception {
        xoauth2 = new Xoauth2Mechanism(azure.issuer(), "https://communication.azure.com/.default")
                .grant(AzureTestServer.SYSTEM_ASSIGNED, SMTP_USERNAME)
                .grant(USER_ASSIGNED, SMTP_USERNAME);
        smtp = TestSmtpServer.builder().withoutTls().authenticateOnlyWith(xoauth2).start();
    }

    @AfterEach
    void stop() {
        if (mail != null) {
            MailServices.close(mail);
        }
        smtp.close();
    }

    private void send(Map<String, Object> oauth, Map<String, String> environment) throws Exception {
        OAuthConfigurationProviderImpl provider = new OAuthConfigurationProviderImpl(dir.toFile(), oauth, Clock.systemUTC(),
                duration -> { }, SecretCiphers.none(), environment::get);
        Map<String, Object> config = new HashMap<>();
        config.put("smtp.host", "127.0.0.1");
        config.put("smtp.port", smtp.port());
        config.put("smtp.user", SMTP_USERNAME);
        config.put("from.address", SENDER);
        config.put("smtp.starttls", false);
        config.put("smtp.requiretls", false);
        config.put("oauth.flow", true);
        config.put("smtp.timeout.connect", 2_000);
        config.put("smtp.timeout.read", 5_000);
        mail = MailServices.withProvider(config, provider);
        mail.send(Email.builder().to("jane@example.com").subject("passwordless").text("t").build());
    }

    private Map<String, Object> grant(String grantType) {
        Map<String, Object> config = new HashMap<>();
        config.put("grantType", grantType);
        config.put("resource", ManagedIdentityTokensTest.ACS);
        return config;
    }

    private void assertDeliveredWithAnAcceptedToken() {
        assertEquals(1, smtp.messages().size());
        assertEquals(SMTP_USERNAME, smtp.messages().get(0).authenticatedUser());
        assertEquals(SENDER, smtp.messages().get(0).mailFrom());
        List<Xoauth2Mechanism.Attempt> attempts = xoauth2.attempts();
        assertEquals(1, attempts.size());
        assertTrue(attempts.get(0).accepted(), attempts.toString());
    }

    @Test
    void mailIsDeliveredWithTheTokenOfTheMetadataService() throws Exception {
        Map<String, Object> config = grant("managed_identity");
        config.put("imdsEndpoint", azure.imdsEndpoint());

        send(config, Map.of());

        assertDeliveredWithAnAcceptedToken();
        assertEquals(AzureTestServer.IMDS_PATH, azure.requests().get(0).path);
    }

    @Test
    void mailIsDeliveredWithTheTokenOfAppServicesIdentityEndpointForAUserAssignedIdentity() throws Exception {
        send(grant("managed_identity"), Map.of("IDENTITY_ENDPOINT", azure.identityEndpoint(), "IDENTITY_HEADER",
                AzureTestServer.IDENTITY_HEADER, "AZURE_CLIENT_ID", USER_ASSIGNED));

        assertDeliveredWithAnAcceptedToken();
        assertEquals(AzureTestServer.APP_SERVICE_PATH, azure.requests().get(0).path);
        assertEquals(USER_ASSIGNED, azure.requests().get(0).query.get("client_id"));
    }

    @Test
    void mailIsDeliveredWithAWorkloadIdentityToken() throws Exception {
        Path federated = dir.resolve("azure-identity-token");
        Files.writeString(federated, "federated-token");

        send(grant("workload_identity"), Map.of("AZURE_CLIENT_ID", USER_ASSIGNED, "AZURE_TENANT_ID", AzureTestServer.TENANT,
                "AZURE_AUTHORITY_HOST", azure.imdsEndpoint(), "AZURE_FEDERATED_TOKEN_FILE", federated.toString()));

        assertDeliveredWithAnAcceptedToken();
        assertEquals("federated-token", azure.requests(AzureTestServer.ENTRA_PATH).get(0).form.get("client_assertion"));
    }

    @Test
    void mailIsDeliveredWithAStaticToken() throws Exception {
        Path file = dir.resolve("oauth_access_token");
        Files.writeString(file, azure.jwt(USER_ASSIGNED, 600));
        Map<String, Object> config = new HashMap<>();
        config.put("grantType", "static");
        config.put("accessTokenFile", file.toString());

        send(config, Map.of());

        assertDeliveredWithAnAcceptedToken();
        assertTrue(azure.requests().isEmpty(), "no token request");
    }

    @Test
    void anExpiredStaticTokenFailsBeforeAnyConnectionToTheMailServer() throws Exception {
        Path file = dir.resolve("oauth_access_token");
        Files.writeString(file, StaticTokenSourceTest.jwt(Instant.now().minusSeconds(60), USER_ASSIGNED));
        Map<String, Object> config = new HashMap<>();
        config.put("grantType", "static");
        config.put("accessTokenFile", file.toString());

        MailException e = assertThrows(MailException.class, () -> send(config, Map.of()));

        assertTrue(e.getMessage().contains("the access token in " + file + " expired at"), e.getMessage());
        assertEquals(0, smtp.acceptedCount(), "the mail server was not contacted");
        assertTrue(smtp.messages().isEmpty());
    }
}
