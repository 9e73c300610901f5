package dev.mailer.osgiconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider profiles (mailer-profiles/NAME/), read as the runtime reads them. Surefire sets
 * OAUTH_TENANT_ID=contoso and removes SMTP_USER, SMTP_FROM and the other OAUTH_* variables.
 */
class ProfileFilesTest {

    private static final String CORE = "dev.mailer.core.impl.DefaultMailService";
    private static final String OAUTH = "dev.mailer.oauth.impl.OAuthConfigurationProviderImpl";

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
        assertEquals("https://outlook.office.com/SMTP.Send offline_access", oauth.get("scopes"));
        assertEquals("refresh_token", oauth.get("grantType"));
        assertEquals("rt", oauth.get("refreshToken"));
        assertEquals("", oauth.get("clientSecret"), "a public client may have no secret");
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
    }

    @Test
    void gmailUsesGooglesEndpointsAndMailScope() throws IOException {
        assertEquals("smtp.gmail.com", core("gmail").get("smtp.host"));
        assertEquals("https://oauth2.googleapis.com/token", oauth("gmail").get("tokenUrl"));
        assertEquals("https://mail.google.com/", oauth("gmail").get("scopes"));
    }
}
