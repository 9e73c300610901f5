package dev.mailer.osgiconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider profiles (mailer-profiles/NAME/), read as the runtime reads them. Surefire sets
 * OAUTH_TENANT_ID=contoso and removes SMTP_USER, SMTP_FROM and the other OAUTH_* variables
 * (OAUTH_DEVICE_AUTH_URL too).
 */
class ProfileFilesTest {

    private static final String CORE = "dev.mailer.core.impl.DefaultMailService";
    private static final String OAUTH = "dev.mailer.oauth.impl.OAuthConfigurationProviderImpl";
    private static final List<String> PROFILES = List.of("office365", "office365-app", "gmail", "acs", "acs-managed-identity",
            "office365-managed-identity", "static-token");

    @TempDir
    Path secrets;

    private Hashtable<String, Object> core(String profile) throws IOException {
        return ConfigFiles.interpolated("mailer-profiles/" + profile + "/" + CORE + ".cfg.json", CORE, secrets);
    }

    private Hashtable<String, Object> oauth(String profile) throws IOException {
        return ConfigFiles.interpolated("mailer-profiles/" + profile + "/" + OAUTH + ".cfg.json", OAUTH, secrets);
    }

    @Test
    void office365DelegatedUsesStarttlsXoauth2AndTheTenantsTokenEndpoint() throws IOException {
        Files.writeString(secrets.resolve("oauth_refresh_token"), "rt\n");
        Hashtable<String, Object> core = core("office365");
        assertEquals("smtp.office365.com", core.get("smtp.host"));
        assertEquals(2525, core.get("smtp.port"), "SMTP_PORT (set by surefire) overrides the 587 default");
        assertEquals(Boolean.TRUE, core.get("oauth.flow"));
        assertEquals(Boolean.TRUE, core.get("smtp.starttls"));
        Hashtable<String, Object> oauth = oauth("office365");
        assertEquals("https://login.microsoftonline.com/contoso/oauth2/v2.0/token", oauth.get("tokenUrl"));
        assertEquals("https://login.microsoftonline.com/contoso/oauth2/v2.0/authorize", oauth.get("authUrl"));
        assertEquals("https://login.microsoftonline.com/contoso/oauth2/v2.0/devicecode", oauth.get("deviceAuthUrl"));
        assertEquals("https://outlook.office.com/SMTP.Send offline_access", oauth.get("scopes"));
        assertEquals("refresh_token", oauth.get("grantType"));
        assertEquals("rt", oauth.get("refreshToken"));
        assertEquals("", oauth.get("clientSecret"), "a public client may have no secret");
    }

    @Test
    void refreshTokenIsOptionalAsAuthorizeCanStoreOne() throws IOException {
        assertEquals("", oauth("office365").get("refreshToken"), "empty: the provider says to run authorize");
        assertEquals("", oauth("gmail").get("refreshToken"));
    }

    @Test
    void missingMailboxStaysAPlaceholderTheServiceNames() throws IOException {
        Hashtable<String, Object> core = core("office365");
        assertEquals("$[env:SMTP_USER]", core.get("smtp.user"));
        assertEquals("$[env:SMTP_USER]", core.get("from.address"), "the sender defaults to the mailbox");
    }

    @Test
    void appOnlyProfilesUseClientCredentialsWithTheirDefaultScope() throws IOException {
        assertEquals("client_credentials", oauth("office365-app").get("grantType"));
        assertEquals("https://outlook.office365.com/.default", oauth("office365-app").get("scopes"));
        assertEquals("client_credentials", oauth("acs").get("grantType"));
        assertEquals("https://communication.azure.com/.default", oauth("acs").get("scopes"));
        assertEquals("smtp.azurecomm.net", core("acs").get("smtp.host"));
        assertTrue(String.valueOf(oauth("acs").get("clientSecret")).startsWith("$[secret:oauth_client_secret"),
                "required: stays a placeholder the provider names");
        for (String profile : List.of("office365-app", "acs")) {
            for (String bootstrapOnly : List.of("authUrl", "deviceAuthUrl", "authCodeRedirectUrl", "refreshToken")) {
                assertFalse(oauth(profile).containsKey(bootstrapOnly), profile + " has nothing to authorize: " + bootstrapOnly);
            }
        }
    }

    @Test
    void gmailUsesGooglesEndpointsAndMailScope() throws IOException {
        assertEquals("smtp.gmail.com", core("gmail").get("smtp.host"));
        assertEquals("https://oauth2.googleapis.com/token", oauth("gmail").get("tokenUrl"));
        assertEquals("https://mail.google.com/", oauth("gmail").get("scopes"));
        assertEquals("https://accounts.google.com/o/oauth2/v2/auth?access_type=offline&prompt=consent", oauth("gmail").get("authUrl"),
                "without offline access Google issues no refresh token");
        assertEquals("https://oauth2.googleapis.com/device/code", oauth("gmail").get("deviceAuthUrl"));
    }

    @Test
    void theMicrosoftProfilesSendAtMost30MessagesAMinuteOverThreeConnectionsAndGmailIsUnlimited() throws IOException {
        for (String profile : List.of("office365", "office365-app", "acs")) {
            assertEquals(30, core(profile).get("smtp.rate.per.minute"), profile);
            assertEquals(3, core(profile).get("smtp.max.connections"), profile);
        }
        assertEquals(0, core("gmail").get("smtp.rate.per.minute"));
        assertEquals("P3D", core("gmail").get("outbox.max.age"));
    }

    @Test
    void theManagedIdentityProfilesNeedNoSecretAndHonourAzuresVariables() throws IOException {
        assertEquals("smtp.azurecomm.net", core("acs-managed-identity").get("smtp.host"));
        assertEquals("smtp.office365.com", core("office365-managed-identity").get("smtp.host"));
        assertEquals("https://communication.azure.com/", oauth("acs-managed-identity").get("resource"));
        assertEquals("https://outlook.office365.com/", oauth("office365-managed-identity").get("resource"));
        for (String profile : List.of("acs-managed-identity", "office365-managed-identity")) {
            Hashtable<String, Object> oauth = oauth(profile);
            assertEquals("managed_identity", oauth.get("grantType"), profile + ": OAUTH_GRANT_TYPE=workload_identity on AKS");
            assertEquals("http://169.254.169.254", oauth.get("imdsEndpoint"));
            for (String fromAzure : List.of("clientId", "identityEndpoint", "identityHeader", "federatedTokenFile", "tokenUrl")) {
                assertEquals("", oauth.get(fromAzure), profile + ": " + fromAzure + " empty unless Azure's variable is set");
            }
            assertFalse(oauth.containsKey("clientSecret"), profile + " has no secret");
            assertEquals("PT0S", oauth.get("keepAlive"), profile + ": no grant to keep alive");
        }
    }

    @Test
    void theStaticTokenProfileReadsTheSecretFileOauthAccessTokenAndNamesNoServer() throws IOException {
        Hashtable<String, Object> oauth = ConfigFiles.interpolated("mailer-profiles/static-token/" + OAUTH + ".cfg.json", OAUTH,
                secrets, Map.of("org.apache.felix.configadmin.plugin.interpolation.secretsdir", secrets.toString()));
        assertEquals("static", oauth.get("grantType"));
        assertEquals(secrets + "/oauth_access_token", oauth.get("accessTokenFile"),
                "the file, not its content: it is read again when it changes");
        assertEquals("$[env:SMTP_HOST]", core("static-token").get("smtp.host"), "required: the token says for which server");
        assertEquals(0, core("static-token").get("smtp.rate.per.minute"));
    }

    @Test
    void everyVariableOfTheProfilesIsInTheReadme() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Set<String> names = new TreeSet<>();
        for (String profile : PROFILES) {
            for (String pid : List.of(CORE, OAUTH)) {
                String raw = String.valueOf(ConfigFiles.raw("mailer-profiles/" + profile + "/" + pid + ".cfg.json").values());
                Matcher placeholder = Pattern.compile("\\$\\[(env|secret):([A-Za-z0-9_.]+)").matcher(raw);
                while (placeholder.find()) {
                    names.add((placeholder.group(1).equals("secret") ? "secret `" : "`") + placeholder.group(2) + "`");
                }
            }
        }
        assertTrue(names.contains("`OAUTH_DEVICE_AUTH_URL`"), names.toString());
        for (String name : names) {
            assertTrue(readme.contains("| " + name + " |"), "README.md table lacks " + name);
        }
    }
}
