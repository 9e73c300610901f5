package dev.mailer.core.impl;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.mailer.api.MailException;
import dev.mailer.api.check.CheckReport;
import dev.mailer.api.check.CheckStep;
import dev.mailer.api.check.CheckStep.Outcome;
import dev.mailer.core.impl.SmtpFailures.Finding;

/**
 * The steps of one connection check as they happen: each passes, warns, fails or is skipped, under
 * the name of the step that is running. The report shows none of the secrets it was told about,
 * whatever a server or a token provider put into a text. One check run, one thread.
 */
final class CheckSteps {

    /** The fix of a failure that knows no better one. */
    static final String GENERIC_FIX = "Check smtp.host and smtp.port and the server's health, then run the check"
            + " again; debug.email=true logs the SMTP dialogue (credentials redacted).";

    private final List<CheckStep> steps = new ArrayList<>();
    private final Set<String> secrets = new LinkedHashSet<>();
    private String current;

    CheckSteps(String first) {
        current = first;
    }

    /** From now on, what is recorded belongs to step {@code name}. */
    void begin(String name) {
        current = name;
    }

    /** The step that is running. */
    String current() {
        return current;
    }

    /** A value (password, token) that no step may show; null and blank values are ignored. */
    void secret(String value) {
        if (value != null && !value.isBlank()) {
            secrets.add(value);
        }
    }

    /** @return true: the check goes on */
    boolean pass(String summary, List<String> details) {
        steps.add(new CheckStep(current, Outcome.PASS, summary, details, null));
        return true;
    }

    /** @return true: the check goes on */
    boolean warn(String summary, List<String> details, String fix) {
        steps.add(new CheckStep(current, Outcome.WARN, summary, details, fix));
        return true;
    }

    /** Records step {@code name} as not run; @return true: the check goes on. */
    boolean skip(String name, String summary) {
        steps.add(new CheckStep(name, Outcome.SKIPPED, summary, List.of(), null));
        return true;
    }

    /** @return false: the check stops */
    boolean fail(Finding finding, List<String> details) {
        steps.add(new CheckStep(current, Outcome.FAIL, finding.summary, details,
                finding.fix != null ? finding.fix : defaultFix(finding.setting)));
        return false;
    }

    /** A failure the sending path reported: its summary and server reply, and its diagnosis as the fix; @return false. */
    boolean fail(MailException e, List<String> details) {
        steps.add(new CheckStep(current, Outcome.FAIL, e.getSummary(), details,
                e.getDiagnosis().orElseGet(() -> defaultFix(e.getSetting().orElse(null)))));
        return false;
    }

    /** The steps so far, every secret replaced. */
    CheckReport report() {
        List<CheckStep> result = new ArrayList<>(steps.size());
        for (CheckStep step : steps) {
            List<String> details = step.getDetails().stream().map(this::redact).collect(Collectors.toList());
            result.add(new CheckStep(step.getName(), step.getOutcome(), redact(step.getSummary()), details,
                    step.getFix() == null ? null : redact(step.getFix())));
        }
        return new CheckReport(result);
    }

    private String redact(String text) {
        String result = text;
        for (String secret : secrets) {
            result = result.replace(secret, RedactingDebugLog.REDACTED);
        }
        return result;
    }

    private static String defaultFix(String setting) {
        return setting == null ? GENERIC_FIX : "Check " + setting + ". " + GENERIC_FIX;
    }
}
