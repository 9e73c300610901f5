package dev.mailer.api.check;

import java.util.List;
import java.util.Objects;

/** One step of a {@link ConnectionCheck}. Never holds a secret or token. Immutable. */
public final class CheckStep {

    public enum Outcome {
        PASS, WARN, FAIL, SKIPPED
    }

    private final String name;
    private final Outcome outcome;
    private final String summary;
    private final List<String> details;
    private final String fix;

    /**
     * @param name    short name of the step, e.g. {@code tls}
     * @param outcome how it ended
     * @param summary one line: what was found, or why it failed
     * @param details further lines (certificate chain, EHLO capabilities), may be empty
     * @param fix     what to change, for WARN and FAIL; null otherwise
     */
    public CheckStep(String name, Outcome outcome, String summary, List<String> details, String fix) {
        this.name = Objects.requireNonNull(name, "name");
        this.outcome = Objects.requireNonNull(outcome, "outcome");
        this.summary = Objects.requireNonNull(summary, "summary");
        this.details = details == null ? List.of() : List.copyOf(details);
        this.fix = fix;
    }

    public String getName() {
        return name;
    }

    public Outcome getOutcome() {
        return outcome;
    }

    public String getSummary() {
        return summary;
    }

    public List<String> getDetails() {
        return details;
    }

    /** What to do about a WARN or FAIL; null when there is nothing to do. */
    public String getFix() {
        return fix;
    }

    @Override
    public String toString() {
        return outcome + " " + name + ": " + summary + (fix == null ? "" : " Fix: " + fix);
    }
}
