package dev.mailer.oauth.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.mailer.commons.config.InvalidConfigurationException;

class OAuthSettingsTest {

    private static Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>();
        config.put("tokenUrl", "https://login.microsoftonline.com/tenant/oauth2/v2.0/token");
        config.put("clientId", "app-id");
        config.put("clientSecret", "client-s3cret");
        config.put("refreshToken", "refresh-s3cret");
        config.put("scopes", new String[] {"https://outlook.office.com/SMTP.Send", "offline_access"});
        return config;
    }

    private static String problems(Map<String, Object> config) {
        return assertThrows(InvalidConfigurationException.class, () -> OAuthSettings.from(config)).getMessage();
    }

    @Test
    void defaultsToRefreshTokenGrantAndTokenUrlForRefresh() throws Exception {
        OAuthSettings settings = OAuthSettings.from(config());
        assertEquals("refresh_token", settings.grantType);
        assertEquals(settings.tokenUrl, settings.refreshUrl);
        assertEquals("https://outlook.office.com/SMTP.Send offline_access", settings.scopeParameter());
    }

    @Test
    void scopesMayComeAsOneSpaceSeparatedValue() throws Exception {
        Map<String, Object> config = config();
        config.put("scopes", "https://outlook.office.com/SMTP.Send offline_access,openid");
        assertEquals(java.util.List.of("https://outlook.office.com/SMTP.Send", "offline_access", "openid"),
                OAuthSettings.from(config).scopes);
    }

    @Test
    void unresolvedAuthorizationUrlIsOnlyAWarningAsSendingDoesNotNeedIt() throws Exception {
        Map<String, Object> config = config();
        config.put("authUrl", "https://login.microsoftonline.com/$[env:OAUTH_TENANT_ID]/oauth2/v2.0/authorize");
        OAuthSettings settings = OAuthSettings.from(config);
        assertEquals(null, settings.authUrl);
        assertEquals(1, settings.warnings.size());
        assertTrue(settings.warnings.get(0).startsWith("authUrl: the placeholder $[env:OAUTH_TENANT_ID] is not resolved"),
                settings.warnings.toString());
    }

    @Test
    void refusesPlainHttpExceptForLoopback() throws Exception {
        Map<String, Object> config = config();
        config.put("tokenUrl", "http://login.example.com/token");
        assertTrue(problems(config).contains("tokenUrl: 'http://login.example.com/token' uses plain http"));
        config.put("tokenUrl", "http://127.0.0.1:8080/token");
        OAuthSettings.from(config);
        config.put("tokenUrl", "http://localhost:8080/token");
        OAuthSettings.from(config);
    }

    @Test
    void refreshGrantStartsWithoutARefreshTokenAsAuthorizeCanStoreOne() throws Exception {
        Map<String, Object> config = config();
        config.remove("refreshToken");
        assertEquals(null, OAuthSettings.from(config).refreshToken);
        config.put("refreshToken", ""); // $[secret:oauth_refresh_token;default=] without the secret file
        assertEquals(null, OAuthSettings.from(config).refreshToken);
    }

    @Test
    void unresolvedRefreshTokenPlaceholderIsStillReported() {
        // a secret the configuration names but nobody created is a mistake, not "no token yet"
        Map<String, Object> config = config();
        config.put("refreshToken", "$[secret:oauth_refresh_token]");
        String text = problems(config);
        assertTrue(text.contains("refreshToken: the placeholder $[secret:oauth_refresh_token] is not resolved"), text);
    }

    @Test
    void deviceAuthorizationUrlIsBootstrapOnlyLikeTheAuthorizationUrl() throws Exception {
        Map<String, Object> config = config();
        config.put("deviceAuthUrl", "https://login.microsoftonline.com/contoso/oauth2/v2.0/devicecode");
        assertEquals("https://login.microsoftonline.com/contoso/oauth2/v2.0/devicecode",
                OAuthSettings.from(config).deviceAuthUrl.toString());

        config.put("deviceAuthUrl", "http://login.example.com/devicecode");
        OAuthSettings settings = OAuthSettings.from(config);
        assertEquals(null, settings.deviceAuthUrl);
        assertTrue(settings.warningAbout("deviceAuthUrl").startsWith("deviceAuthUrl: 'http://login.example.com/devicecode'"
                + " uses plain http"), settings.warnings.toString());
        assertEquals(null, settings.warningAbout("authUrl"));
    }

    @Test
    void clientCredentialsNeedSecretAndScope() {
        Map<String, Object> config = config();
        config.put("grantType", "client_credentials");
        config.remove("clientSecret");
        config.remove("scopes");
        String text = problems(config);
        assertTrue(text.contains("clientSecret: grantType=client_credentials needs the client secret"), text);
        assertTrue(text.contains("scopes: grantType=client_credentials needs a scope"), text);
    }

    @Test
    void refusesUnknownGrantAndBadProxy() {
        Map<String, Object> config = config();
        config.put("grantType", "password");
        config.put("httpProxy", "proxy.example.com");
        String text = problems(config);
        assertTrue(text.contains("grantType: 'password' is not supported"), text);
        assertTrue(text.contains("httpProxy: 'proxy.example.com' is not host:port"), text);
    }

    @Test
    void keepAliveIsAWeekByDefaultAndPT0STurnsItOff() throws Exception {
        Map<String, Object> config = config();
        assertEquals(java.time.Duration.ofDays(7), OAuthSettings.from(config).keepAlive);
        assertEquals(java.time.Duration.parse(OAuthSettings.DEFAULT_KEEP_ALIVE), OAuthSettings.from(config).keepAlive);
        assertTrue(OAuthSettings.from(config).toString().contains("keepAlive=P7D"), OAuthSettings.from(config).toString());
        config.put("keepAlive", "PT0S");
        assertTrue(OAuthSettings.from(config).keepAlive.isZero());
        assertTrue(OAuthSettings.from(config).toString().contains("keepAlive=off"));
        config.put("keepAlive", "P30D");
        assertEquals(java.time.Duration.ofDays(30), OAuthSettings.from(config).keepAlive);
        config.put("keepAlive", ""); // $[env:OAUTH_KEEPALIVE;default=] : not set
        assertEquals(java.time.Duration.ofDays(7), OAuthSettings.from(config).keepAlive);
    }

    @Test
    void theTokenChainIsInTheRepositoryAtConfMailerOAuthByDefaultAndPerInstanceWhenThePathIsSetEmpty() throws Exception {
        Map<String, Object> config = config();
        assertEquals("/conf/mailer/oauth", OAuthSettings.from(config).tokenRepositoryPath);
        config.put("tokenRepositoryPath", "/conf/my-site/mailer");
        assertEquals("/conf/my-site/mailer", OAuthSettings.from(config).tokenRepositoryPath);
        config.put("tokenRepositoryPath", "");
        assertEquals(null, OAuthSettings.from(config).tokenRepositoryPath);
    }

    @Test
    void aTokenRepositoryPathThatIsNoAbsolutePathIsRefusedNamingItAndSayingWhatToWrite() {
        Map<String, Object> config = config();
        for (String bad : new String[] {"conf/mailer", "/conf//mailer", "/conf/../etc", "/conf/mailer/", "/conf/a*"}) {
            config.put("tokenRepositoryPath", bad);
            String text = problems(config);
            assertTrue(text.contains("tokenRepositoryPath: "), bad + ": " + text);
            assertTrue(text.contains("write e.g. /conf/mailer/oauth"), bad + ": " + text);
        }
    }

    @Test
    void aBadKeepAliveIsRefusedNamingItAndSayingWhatToWrite() {
        Map<String, Object> config = config();
        for (String bad : new String[] {"7 days", "7", "-P1D", "P400D", "$[env:OAUTH_KEEPALIVE]"}) {
            config.put("keepAlive", bad);
            String text = problems(config);
            assertTrue(text.contains("keepAlive: "), bad + ": " + text);
            assertTrue(text.contains("keepAlive: write e.g. P7D (a week, the default), P30D, or PT0S to turn the keep-alive off"),
                    bad + ": " + text);
        }
        config.put("keepAlive", "7 days");
        assertTrue(problems(config).contains("keepAlive: '7 days' is not an ISO-8601 duration"), problems(config));
        config.put("keepAlive", "P400D");
        assertTrue(problems(config).contains("keepAlive: P400D is longer than the maximum P365D"), problems(config));
    }

    @Test
    void aBadUpkeepIntervalIsRefusedNamingIt() {
        Map<String, Object> config = config();
        config.put("upkeepInterval", "PT0.5S");
        String text = problems(config);
        assertTrue(text.contains("upkeepInterval: PT0.5S is shorter than the minimum PT1S"), text);
        assertTrue(text.contains("upkeepInterval: write e.g. PT1M (the default) or PT10S, from PT1S to PT1H"), text);
        config.put("upkeepInterval", "PT2H");
        assertTrue(problems(config).contains("upkeepInterval: PT2H is longer than the maximum PT1H"), problems(config));
    }

    @Test
    void toStringShowsNoSecrets() throws Exception {
        String text = OAuthSettings.from(config()).toString();
        assertFalse(text.contains("client-s3cret"), text);
        assertFalse(text.contains("refresh-s3cret"), text);
    }
}
