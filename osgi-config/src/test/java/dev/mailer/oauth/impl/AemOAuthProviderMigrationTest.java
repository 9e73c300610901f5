package dev.mailer.oauth.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.osgiconfig.ConfigFiles;

/**
 * The CQ Mailer SMTP OAuth2 Provider file, as Adobe documents it for AEM as a Cloud Service
 * (src/test/resources/aem, secrets as $[secret:...]), becomes this project's by renaming it to our
 * PID: our settings reader takes every property under Adobe's name with Adobe's meaning.
 */
class AemOAuthProviderMigrationTest {

    private static final String ADOBE_FILE = "aem/com.day.cq.mailer.oauth.impl.OAuthConfigurationProviderImpl.cfg.json";
    private static final String TOKEN_URL = "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token";

    @TempDir
    Path secrets;

    @Test
    void adobesDocumentedOAuthProviderFileIsAcceptedUnderOurPid() throws Exception {
        Files.writeString(secrets.resolve("SECRET_SMTP_OAUTH_CLIENT_SECRET"), "client-s3cret\n");
        Files.writeString(secrets.resolve("SECRET_SMTP_OAUTH_REFRESH_TOKEN"), "refresh-s3cret\n");

        OAuthSettings settings = OAuthSettings.from(ConfigFiles.interpolated(ADOBE_FILE, OAuthConfigurationProviderImpl.PID, secrets));

        assertEquals(URI.create("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize"),
                settings.authUrl);
        assertEquals(URI.create(TOKEN_URL), settings.tokenUrl);
        assertEquals(URI.create(TOKEN_URL), settings.refreshUrl);
        assertEquals("00000000-0000-0000-0000-0000000000c1", settings.clientId);
        assertEquals("client-s3cret", settings.clientSecret);
        assertEquals("refresh-s3cret", settings.refreshToken);
        assertEquals(List.of("https://outlook.office.com/SMTP.Send", "openid", "offline_access", "email", "profile"),
                settings.scopes);
        assertEquals("http://localhost", settings.redirectUrl);
        assertEquals("refresh_token", settings.grantType, "AEM's provider refreshes the stored refresh token");
    }
}
