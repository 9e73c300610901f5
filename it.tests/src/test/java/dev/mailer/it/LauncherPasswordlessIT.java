package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import dev.mailer.it.oauth.Issuers;
import dev.mailer.it.oauth.OAuthServerHost;
import dev.mailer.it.support.LauncherProcess;
import dev.mailer.testsupport.azure.AzureIdentityServer;
import dev.mailer.testsupport.azure.AzureIdentityServer.Request;
import dev.mailer.testsupport.smtp.TestSmtpServer.ReceivedMessage;

/**
 * Issue 21's passwordless profiles as an operator on Azure runs them: {@code java -jar mailer.jar
 * send ...} with {@code MAILER_PROFILE=acs-managed-identity}, {@code office365-managed-identity}
 * or {@code static-token}, no client secret and no OAuth client anywhere, against the Office 365
 * stand-in of {@link LauncherOAuthTestBase} (STARTTLS, only XOAUTH2, each token introspected at the
 * OAuth2 server). Azure's identity endpoints are test-support's {@link AzureIdentityServer} on
 * loopback, whose tokens that OAuth2 server signs; {@code AZURE_IMDS_ENDPOINT} always points there,
 * so that nothing ever asks 169.254.169.254. Neither the tokens nor the App Service identity header
 * may appear in the child's output.
 */
public class LauncherPasswordlessIT extends LauncherOAuthTestBase {

    /** A user-assigned identity's client ID (AZURE_CLIENT_ID). */
    private static final String USER_ASSIGNED = "launcher-it-user-assigned-identity";
    /** ACS sends from a verified sender address, which is not the SMTP username. */
    private static final String SENDER = "DoNotReply@contoso.azurecomm.net";
    private static final String ACCESS_TOKEN_FILE = "oauth_access_token";

    private AzureIdentityServer azure;
    /** The tokens the identity endpoints answered with, oldest first. */
    private final List<String> issued = Collections.synchronizedList(new ArrayList<>());

    @Before
    public void startAzureIdentityServer() {
        azure = new AzureIdentityServer(Clock.systemUTC(), (subject, resource, seconds) -> {
            String token = OAuthServerHost.issueToken(Issuers.OFFICE365, subject, resource, seconds);
            issued.add(token);
            return token;
        });
        // as ACS's SMTP username resource linked to the identity, and Exchange's Add-MailboxPermission
        xoauth2.grant(AzureIdentityServer.SYSTEM_ASSIGNED, MAILBOX).grant(USER_ASSIGNED, MAILBOX);
        putSecret("App Service identity header", AzureIdentityServer.IDENTITY_HEADER);
    }

    @After
    public void stopAzureIdentityServer() {
        if (azure != null) {
            azure.close();
        }
    }

    @Test
    public void acsManagedIdentitySendsWithTheTokenOfTheInstanceMetadataService() throws Exception {
        Map<String, String> env = passwordlessEnv("acs-managed-identity");
        env.put("SMTP_FROM", SENDER);

        sentQuietly(env, "ACS with a managed identity");

        Request request = onlyRequest();
        assertEquals(AzureIdentityServer.IMDS_PATH, request.path);
        assertEquals("a system-assigned identity: no client_id", Map.of("api-version", "2018-02-01", "resource",
                "https://communication.azure.com/"), request.query);
        assertEquals("true", request.headers.get("metadata"));
        assertNull(request.headers.get("x-identity-header"));
        ReceivedMessage message = assertDeliveredWithXoauth2(1, issued.get(0)).get(0);
        assertEquals("the verified sender, not the SMTP username", SENDER, message.mailFrom());
        assertNoTokenEndpointAsked();
    }

    @Test
    public void office365ManagedIdentitySendsOnAppServiceWithTheTokenOfItsIdentityEndpoint() throws Exception {
        Map<String, String> env = passwordlessEnv("office365-managed-identity");
        env.put("IDENTITY_ENDPOINT", azure.identityEndpoint());
        env.put("IDENTITY_HEADER", AzureIdentityServer.IDENTITY_HEADER);
        env.put("AZURE_CLIENT_ID", USER_ASSIGNED);

        sentQuietly(env, "Exchange Online from App Service");

        Request request = onlyRequest();
        assertEquals("App Service's endpoint, not the metadata service", AzureIdentityServer.APP_SERVICE_PATH, request.path);
        assertEquals(Map.of("api-version", "2019-08-01", "resource", "https://outlook.office365.com/", "client_id", USER_ASSIGNED),
                request.query);
        assertEquals(AzureIdentityServer.IDENTITY_HEADER, request.headers.get("x-identity-header"));
        assertNull(request.headers.get("metadata"));
        ReceivedMessage message = assertDeliveredWithXoauth2(1, issued.get(0)).get(0);
        assertEquals("SMTP_USER by the profile's default (no SMTP_FROM)", MAILBOX, message.mailFrom());
        assertNoTokenEndpointAsked();
    }

    @Test
    public void staticTokenInTheSecretsFolderIsSentAsItIs() throws Exception {
        String token = tokenOfTheMailbox(3600);
        writeSecret(ACCESS_TOKEN_FILE, token);

        sentQuietly(staticTokenEnv(), "A token obtained elsewhere");

        assertDeliveredWithXoauth2(1, token);
        assertEquals("no identity endpoint asked", List.of(), azure.requests());
        assertNoTokenEndpointAsked();
    }

    @Test
    public void staticTokenIsReadFromOauthAccessTokenFile() throws Exception {
        String token = tokenOfTheMailbox(3600);
        putToken("access token of OAUTH_ACCESS_TOKEN_FILE", token);
        Path file = Files.writeString(temp.newFolder("tooling").toPath().resolve("access-token"), token + "\n");
        Map<String, String> env = staticTokenEnv();
        env.put("OAUTH_ACCESS_TOKEN_FILE", file.toString());

        sentQuietly(env, "A token of the operator's tooling");

        assertDeliveredWithXoauth2(1, token);
        assertFalse("nothing in the secrets folder was needed", Files.exists(secretsDir.resolve(ACCESS_TOKEN_FILE)));
        assertNoTokenEndpointAsked();
    }

    @Test
    public void anExpiredStaticTokenExits1BeforeAnySmtpConnection() throws Exception {
        writeSecret(ACCESS_TOKEN_FILE, tokenOfTheMailbox(-60));

        LauncherProcess.Result result = send(staticTokenEnv(), "Must not be sent");

        assertNoSecretIn(result);
        assertEquals("exit 1 (permanent): " + describe(result), 1, result.exit());
        assertEquals("nothing on stdout: " + describe(result), "", result.stdout());
        assertThat(describe(result), result.stderr(), containsString(
                "the access token in " + secretsDir.resolve(ACCESS_TOKEN_FILE) + " expired at"));
        assertThat(describe(result), result.stderr(), containsString("the mail server was not contacted"));
        assertEquals("no SMTP connection at all: " + smtp.events(), List.of(), smtp.events());
        assertWorkDirStillEmpty();
    }

    /**
     * {@code profile} without an OAuth client of any kind (no tenant, client ID or token URL; the
     * client secret file is there but must not be needed), the metadata service at the stand-in.
     */
    private Map<String, String> passwordlessEnv(String profile) {
        Map<String, String> env = env(profile);
        env.remove("OAUTH_TENANT_ID");
        env.remove("OAUTH_CLIENT_ID");
        env.remove("OAUTH_TOKEN_URL");
        env.put("AZURE_IMDS_ENDPOINT", azure.imdsEndpoint());
        return env;
    }

    private Map<String, String> staticTokenEnv() {
        return passwordlessEnv("static-token");
    }

    /** Also the tokens the identity endpoints issued. */
    @Override
    protected void collectSecretsSeenByTheServers() {
        super.collectSecretsSeenByTheServers();
        List<String> tokens = List.copyOf(issued);
        for (int i = 0; i < tokens.size(); i++) {
            putToken("token of the identity endpoint " + (i + 1), tokens.get(i));
        }
    }

    /** A token as the operator's tooling got it for the mailbox, valid for {@code seconds} (negative: expired). */
    private static String tokenOfTheMailbox(long seconds) {
        return OAuthServerHost.issueToken(Issuers.OFFICE365, Issuers.MAILBOX, "https://outlook.office.com", seconds);
    }

    /** Sends one mail with {@code env}: it went out ({@link #assertSent}), and nothing was printed on stderr. */
    private void sentQuietly(Map<String, String> env, String subject) throws Exception {
        LauncherProcess.Result result = send(env, subject);
        assertSent(result, 1);
        assertEquals("a send that works prints nothing on stderr (MAILER_LOG_LEVEL defaults to warn): " + describe(result), "",
                result.stderr());
    }

    /** The one request the identity endpoints received, a GET. */
    private Request onlyRequest() {
        List<Request> requests = azure.requests();
        assertEquals("exactly one token request: " + requests, 1, requests.size());
        assertEquals("GET", requests.get(0).method);
        return requests.get(0);
    }

    private void assertNoTokenEndpointAsked() {
        assertEquals("no OAuth token endpoint asked", List.of(), tokenEndpoint.exchanges());
    }
}
