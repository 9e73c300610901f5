package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.mailer.api.MailException;
import dev.mailer.api.check.CheckReport;
import dev.mailer.api.check.CheckStep;
import dev.mailer.api.check.CheckStep.Outcome;
import dev.mailer.core.impl.SmtpFailures.Finding;

class CheckStepsTest {

    private static final String PASSWORD = "s3cret-Pa55";
    private static final String TOKEN = "eyJ0eXAi.token-4711";

    @Test
    void eachStepIsRecordedUnderTheStepThatIsRunningWithItsOutcome() {
        CheckSteps steps = new CheckSteps("configuration");

        assertTrue(steps.pass("fine", List.of("detail")));
        steps.begin("tls");
        assertTrue(steps.warn("No TLS", List.of(), "Set smtp.starttls=true."));
        assertTrue(steps.skip("auth", "No authentication configured."));
        steps.begin("sender");
        assertFalse(steps.fail(Finding.permanent("refused", "from.address", "Use another address."), List.of()));

        CheckReport report = steps.report();
        assertEquals(List.of("configuration", "tls", "auth", "sender"),
                report.getSteps().stream().map(CheckStep::getName).collect(Collectors.toList()));
        assertEquals(List.of(Outcome.PASS, Outcome.WARN, Outcome.SKIPPED, Outcome.FAIL),
                report.getSteps().stream().map(CheckStep::getOutcome).collect(Collectors.toList()));
        assertEquals("Set smtp.starttls=true.", report.getSteps().get(1).getFix());
        assertNull(report.getSteps().get(0).getFix());
        assertEquals("Use another address.", report.getFailure().orElseThrow().getFix());
    }

    @Test
    void aFailureWithoutFixNamesItsSettingAndTheGenericFix() {
        CheckSteps steps = new CheckSteps("connect");

        steps.fail(Finding.transientFailure("The connection was lost.", "smtp.port", null), List.of());

        assertEquals("Check smtp.port. " + CheckSteps.GENERIC_FIX, steps.report().getFailure().orElseThrow().getFix());
    }

    @Test
    void aMailExceptionFailsWithItsSummaryAndReplyAndItsDiagnosisAsTheFix() {
        CheckSteps steps = new CheckSteps("auth");

        steps.fail(MailException.permanentFailure("The server refused the login of smtp.user=workflow.")
                .serverReply("535 5.7.8 Authentication failed").diagnosis("Check smtp.user and the password.").build(),
                List.of());

        CheckStep failure = steps.report().getFailure().orElseThrow();
        assertEquals("auth", failure.getName());
        assertEquals("The server refused the login of smtp.user=workflow. Server replied: 535 5.7.8 Authentication failed",
                failure.getSummary());
        assertEquals("Check smtp.user and the password.", failure.getFix());
    }

    @Test
    void aMailExceptionWithoutDiagnosisGetsTheFixOfItsSetting() {
        CheckSteps steps = new CheckSteps("token");

        steps.fail(MailException.transientFailure("The token endpoint is down.").setting("tokenUrl").build(), List.of());

        assertEquals("Check tokenUrl. " + CheckSteps.GENERIC_FIX, steps.report().getFailure().orElseThrow().getFix());
    }

    @Test
    void theReportShowsNoSecretInSummaryDetailsOrFix() {
        CheckSteps steps = new CheckSteps("token");
        steps.secret(PASSWORD);
        steps.secret(TOKEN);
        steps.secret(null);
        steps.secret(" ");

        steps.pass("token " + TOKEN + " obtained", List.of("password " + PASSWORD, "no secret here"));
        steps.begin("auth");
        steps.fail(Finding.permanent("refused " + TOKEN, null, "Replace " + PASSWORD + "."), List.of());

        CheckReport report = steps.report();
        assertEquals("token <redacted> obtained", report.getSteps().get(0).getSummary());
        assertEquals(List.of("password <redacted>", "no secret here"), report.getSteps().get(0).getDetails());
        assertEquals("refused <redacted>", report.getSteps().get(1).getSummary());
        assertEquals("Replace <redacted>.", report.getSteps().get(1).getFix());
        assertFalse(report.toString().contains(PASSWORD), report.toString());
        assertFalse(report.toString().contains(TOKEN), report.toString());
    }
}
