package dev.mailer.health.impl;

import static dev.mailer.health.impl.MailerChecks.MAIL_SERVICE;
import static dev.mailer.health.impl.MailerChecks.TOKEN_PROVIDER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.osgi.service.component.runtime.dto.ComponentConfigurationDTO.ACTIVE;
import static org.osgi.service.component.runtime.dto.ComponentConfigurationDTO.FAILED_ACTIVATION;
import static org.osgi.service.component.runtime.dto.ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.Result.Status;
import org.junit.jupiter.api.Test;

import dev.mailer.api.check.CheckStep.Outcome;
import dev.mailer.api.oauth.TokenStatus;

/** The configuration check against the states a DS runtime reports and our services' own verdicts. */
class ConfigurationCheckTest {

    private final FakeScr scr = new FakeScr();
    private final FakeMailer.Check connectionCheck = new FakeMailer.Check();
    private final FakeMailer.Tokens tokens = new FakeMailer.Tokens();

    private Result execute() {
        ConfigurationCheck check = new ConfigurationCheck(scr);
        check.connectionCheck = connectionCheck;
        check.tokenManager = tokens;
        return check.execute();
    }

    private static Map<String, Object> mailProperties(boolean oauth) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("smtp.host", "smtp.example.com");
        properties.put("smtp.password", "s3cret-Pa55");
        properties.put(MailerChecks.OAUTH_FLOW, oauth);
        return properties;
    }

    @Test
    void anActiveMailServiceWithAValidConfigurationAndNoTokenProviderIsOk() {
        scr.declare(MAIL_SERVICE, ACTIVE, mailProperties(false));
        scr.declare(TOKEN_PROVIDER, UNSATISFIED_CONFIGURATION, null);

        Result result = execute();

        assertEquals(Status.OK, result.getStatus(), Results.text(result));
        assertEquals("OK The component dev.mailer.core.impl.DefaultMailService is active.", Results.lines(result).get(0));
        assertEquals("OK Mail service configuration: 127.0.0.1:2525, no TLS", Results.lines(result).get(1));
        assertTrue(Results.text(result).contains("The OAuth2 token provider is not configured"), Results.text(result));
    }

    @Test
    void aMailServiceWithoutConfigurationIsCriticalSayingWhichFileToCreate() {
        scr.declare(MAIL_SERVICE, UNSATISFIED_CONFIGURATION, null);

        Result result = execute();

        assertEquals(Status.CRITICAL, result.getStatus());
        assertTrue(Results.text(result).contains("The mail service has no configuration: create "
                + "dev.mailer.core.impl.DefaultMailService.cfg.json"), Results.text(result));
    }

    @Test
    void aRequiredConfigurationReportedWithoutAnyConfigurationObjectIsNoConfigurationToo() {
        scr.declareWithoutConfiguration(MAIL_SERVICE);

        Result result = execute();

        assertEquals(Status.CRITICAL, result.getStatus());
        assertTrue(Results.text(result).contains("The mail service has no configuration"), Results.text(result));
    }

    @Test
    void anInvalidMailConfigurationIsCriticalWithTheServicesOwnReasonAndFix() {
        scr.declare(MAIL_SERVICE, ACTIVE, mailProperties(false));
        connectionCheck.configuration = FakeMailer.step("configuration", Outcome.FAIL,
                "The configuration of dev.mailer.core.impl.DefaultMailService is invalid: smtp.port: 70000 is out of range 1..65535.",
                "Fix smtp.port (and every other property named) in the configuration of dev.mailer.core.impl.DefaultMailService.");

        Result result = execute();

        assertEquals(Status.CRITICAL, result.getStatus());
        assertTrue(Results.lines(result).contains("CRITICAL Mail service configuration: The configuration of "
                + "dev.mailer.core.impl.DefaultMailService is invalid: smtp.port: 70000 is out of range 1..65535."
                + " Fix: Fix smtp.port (and every other property named) in the configuration of"
                + " dev.mailer.core.impl.DefaultMailService."), Results.text(result));
    }

    @Test
    void aConfigurationWarningIsAWarning() {
        scr.declare(MAIL_SERVICE, ACTIVE, mailProperties(false));
        connectionCheck.configuration = FakeMailer.step("configuration", Outcome.WARN, "127.0.0.1:465, no TLS",
                "for port 465 set smtp.ssl=true");

        Result result = execute();

        assertEquals(Status.WARN, result.getStatus(), Results.text(result));
    }

    @Test
    void aFailedActivationIsCriticalWithTheFirstLineOfTheFailure() {
        scr.declare(MAIL_SERVICE, FAILED_ACTIVATION, mailProperties(false)).failure =
                "java.lang.IllegalStateException: smtp.password: ENC(...) cannot be decrypted\n\tat dev.mailer.core.impl.X.y(X.java:1)";

        Result result = execute();

        assertEquals(Status.CRITICAL, result.getStatus());
        assertTrue(Results.lines(result).contains("CRITICAL The component dev.mailer.core.impl.DefaultMailService failed to"
                + " activate: java.lang.IllegalStateException: smtp.password: ENC(...) cannot be decrypted"), Results.text(result));
        assertFalse(Results.text(result).contains("X.java"), "no stack trace: " + Results.text(result));
    }

    @Test
    void anUnsatisfiedComponentIsCriticalNamingTheServiceItWaitsFor() {
        scr.declareUnsatisfied(MAIL_SERVICE, "org.example.Missing");

        Result result = execute();

        assertEquals(Status.CRITICAL, result.getStatus());
        assertTrue(Results.text(result).contains("waits for services it needs: org.example.Missing."), Results.text(result));
    }

    @Test
    void aMissingMailerCoreIsCriticalSayingWhichBundleToInstall() {
        Result result = execute();

        assertEquals(Status.CRITICAL, result.getStatus());
        assertTrue(Results.text(result).contains("The component dev.mailer.core.impl.DefaultMailService is not there: install and"
                + " start the mailer-core bundle."), Results.text(result));
    }

    @Test
    void aDisabledComponentIsCritical() {
        scr.disable(MAIL_SERVICE);

        Result result = execute();

        assertEquals(Status.CRITICAL, result.getStatus());
        assertTrue(Results.text(result).contains("is disabled"), Results.text(result));
    }

    @Test
    void oauthFlowWithoutATokenProviderConfigurationIsCriticalSayingWhichFileToCreate() {
        scr.declare(MAIL_SERVICE, ACTIVE, mailProperties(true));
        scr.declare(TOKEN_PROVIDER, UNSATISFIED_CONFIGURATION, null);

        Result result = execute();

        assertEquals(Status.CRITICAL, result.getStatus());
        assertTrue(Results.text(result).contains("The mail service has oauth.flow=true, but the token provider has no configuration:"
                + " create dev.mailer.oauth.impl.OAuthConfigurationProviderImpl.cfg.json"), Results.text(result));
    }

    @Test
    void oauthFlowWrittenAsTextIsReadAsTheMailServiceReadsIt() {
        Map<String, Object> properties = mailProperties(false);
        properties.put(MailerChecks.OAUTH_FLOW, "TRUE");
        scr.declare(MAIL_SERVICE, ACTIVE, properties);

        Result result = execute();

        assertTrue(Results.text(result).contains("CRITICAL The component dev.mailer.oauth.impl.OAuthConfigurationProviderImpl is"
                + " not there: install and start the mailer-oauth bundle."), Results.text(result));
    }

    @Test
    void anInvalidTokenProviderConfigurationIsCriticalWithItsReason() {
        scr.declare(MAIL_SERVICE, ACTIVE, mailProperties(true));
        scr.declare(TOKEN_PROVIDER, ACTIVE, Map.of());
        String reason = "The configuration of dev.mailer.oauth.impl.OAuthConfigurationProviderImpl is invalid: tokenUrl: missing.";
        tokens.status = TokenStatus.builder().lastError(reason, Instant.parse("2026-03-01T12:00:00Z")).build();

        Result result = execute();

        assertEquals(Status.CRITICAL, result.getStatus());
        assertTrue(Results.lines(result).contains("CRITICAL The token provider's configuration is invalid: " + reason),
                Results.text(result));
    }

    @Test
    void bothComponentsActiveAndValidAreOkAndNoTextShowsAConfigurationValue() {
        scr.declare(MAIL_SERVICE, ACTIVE, mailProperties(true));
        scr.declare(TOKEN_PROVIDER, ACTIVE, Map.of("clientSecret", "client-s3cret"));

        Result result = execute();

        assertEquals(Status.OK, result.getStatus(), Results.text(result));
        assertTrue(Results.text(result).contains("The component dev.mailer.oauth.impl.OAuthConfigurationProviderImpl is active."));
        assertFalse(Results.text(result).contains("s3cret"), Results.text(result));
    }
}
