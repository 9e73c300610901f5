package dev.mailer.api.check;

import java.util.List;
import java.util.Optional;

/** The steps a {@link ConnectionCheck} ran, in order. Immutable. */
public final class CheckReport {

    private final List<CheckStep> steps;

    public CheckReport(List<CheckStep> steps) {
        this.steps = List.copyOf(steps);
    }

    public List<CheckStep> getSteps() {
        return steps;
    }

    /** True when no step failed. */
    public boolean isPassed() {
        return getFailure().isEmpty();
    }

    /** The step that failed, if one did (the check stops there). */
    public Optional<CheckStep> getFailure() {
        return steps.stream().filter(s -> s.getOutcome() == CheckStep.Outcome.FAIL).findFirst();
    }

    @Override
    public String toString() {
        return "CheckReport" + steps;
    }
}
