package dev.mailer.core.impl;

import dev.mailer.commons.config.InvalidConfigurationException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SmtpSettingsTest {

    private static Map<String, Object> minimal() {
        Map<String, Object> config = new HashMap<>();
        config.put("smtp.host", "smtp.example.com");
        config.put("from.address", "workflow@example.com");
        return config;
    }

    private static String problems(Map<String, Object> config) {
        return assertThrows(InvalidConfigurationException.class, () -> SmtpSettings.from(config)).getMessage();
    }

    @Test
    void defaultsAreSecure() throws Exception {
        SmtpSettings settings = SmtpSettings.from(minimal());
        assertEquals(587, settings.port);
        assertTrue(settings.starttls);
        assertTrue(settings.requireTls);
        assertFalse(settings.ssl);
        assertEquals(null, settings.user);
    }

    @Test
    void acceptsStringValuesAsConfigFilesWithoutTypesGiveThem() throws Exception {
        Map<String, Object> config = minimal();
        config.put("smtp.port", "465");
        config.put("smtp.ssl", "true");
        config.put("smtp.starttls", "false");
        config.put("smtp.user", "  ");
        SmtpSettings settings = SmtpSettings.from(config);
        assertEquals(465, settings.port);
        assertTrue(settings.ssl);
        assertEquals(null, settings.user, "blank means unset");
    }

    @Test
    void reportsEveryMissingRequiredValue() {
        String text = problems(new HashMap<>());
        assertTrue(text.contains("smtp.host: is required but not set"), text);
        assertTrue(text.contains("from.address: is required but not set"), text);
    }

    @Test
    void reportsBadNumbersBooleansAndAddresses() {
        Map<String, Object> config = minimal();
        config.put("smtp.port", "abc");
        config.put("smtp.ssl", "yes");
        config.put("from.address", "not an address");
        config.put("smtp.timeout.read", 0);
        String text = problems(config);
        assertTrue(text.contains("smtp.port: 'abc' is not a whole number"), text);
        assertTrue(text.contains("smtp.ssl: 'yes' is not true or false"), text);
        assertTrue(text.contains("from.address: 'not an address' is not a valid mail address"), text);
        assertTrue(text.contains("smtp.timeout.read: 0 is out of range"), text);
    }

    @Test
    void connectionReuseHasBoundedDefaultsAndBadValuesAreNamed() throws Exception {
        SmtpSettings defaults = SmtpSettings.from(minimal());
        assertEquals(Duration.ofSeconds(30), defaults.poolIdleTimeout);
        assertEquals(100, defaults.poolMaxMessages);
        assertEquals(Duration.ofMinutes(5), defaults.poolMaxAge);

        Map<String, Object> config = minimal();
        config.put("smtp.pool.idle.timeout", "30s");
        config.put("smtp.pool.max.messages", 0);
        config.put("smtp.pool.max.age", "-PT1M");
        String text = problems(config);
        assertTrue(text.contains("smtp.pool.idle.timeout: '30s' is not an ISO-8601 duration such as PT30S"), text);
        assertTrue(text.contains("smtp.pool.max.messages: 0 is out of range 1..1000000"), text);
        assertTrue(text.contains("smtp.pool.max.age: -PT1M is shorter than the minimum PT0S"), text);
    }

    @Test
    void acceptsSslTogetherWithStarttlsAndSslWinsWithAWarningAsInAem() throws Exception {
        Map<String, Object> config = minimal();
        config.put("smtp.ssl", true);
        config.put("smtp.starttls", true);

        SmtpSettings settings = SmtpSettings.from(config);

        assertTrue(settings.ssl);
        assertFalse(settings.starttls, "smtp.ssl wins");
        assertTrue(SmtpFailures.sslWinsOverStartTls(settings).startsWith("smtp.ssl and smtp.starttls are both true:"
                + " smtp.ssl=true wins"), SmtpFailures.sslWinsOverStartTls(settings));
        assertEquals(null, SmtpFailures.sslWinsOverStartTls(SmtpSettings.from(minimal())));
    }

    @Test
    void refusesRequireTlsWithoutAnyTls() {
        Map<String, Object> config = minimal();
        config.put("smtp.starttls", false);
        assertTrue(problems(config).contains("smtp.requiretls: smtp.requiretls=true but neither smtp.ssl nor smtp.starttls"));
    }

    @Test
    void namesUnresolvedSecretPlaceholderWithoutLeakingAnything() {
        Map<String, Object> config = minimal();
        config.put("smtp.user", "workflow");
        config.put("smtp.password", "$[secret:smtp_password]");
        String text = problems(config);
        assertTrue(text.contains("smtp.password: the placeholder $[secret:smtp_password] is not resolved: create the file"
                + " smtp_password in the secrets directory"), text);
    }

    @Test
    void namesUnresolvedTypedEnvPlaceholder() {
        Map<String, Object> config = minimal();
        config.put("smtp.port", "$[env:SMTP_PORT;type=Integer]");
        assertTrue(problems(config).contains("smtp.port: the placeholder $[env:SMTP_PORT;type=Integer] is not resolved:"
                + " set the environment variable SMTP_PORT"));
    }

    @Test
    void oauthNeedsTheMailboxUser() {
        Map<String, Object> config = minimal();
        config.put("oauth.flow", true);
        assertTrue(problems(config).contains("smtp.user: oauth.flow=true needs smtp.user"));
    }

    @Test
    void missingTruststoreFileIsNamed() {
        Map<String, Object> config = minimal();
        config.put("smtp.truststore.path", "/nonexistent/truststore.p12");
        assertTrue(problems(config).contains("smtp.truststore.path: the file /nonexistent/truststore.p12 does not exist"));
    }

    @Test
    void toStringNeverShowsThePassword() throws Exception {
        Map<String, Object> config = minimal();
        config.put("smtp.user", "workflow");
        config.put("smtp.password", "s3cret-Pa55");
        assertFalse(SmtpSettings.from(config).toString().contains("s3cret-Pa55"));
    }
}
