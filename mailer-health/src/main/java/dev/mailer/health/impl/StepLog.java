package dev.mailer.health.impl;

import org.apache.felix.hc.api.FormattingResultLog;

import dev.mailer.api.check.CheckStep;

/** How a step of the connection check shows in a health check result: FAIL critical, WARN warn, PASS info, SKIPPED debug. */
final class StepLog {

    private StepLog() {
    }

    static void add(FormattingResultLog log, CheckStep step, String text) {
        switch (step.getOutcome()) {
            case FAIL:
                log.critical("{}", text);
                break;
            case WARN:
                log.warn("{}", text);
                break;
            case PASS:
                log.info("{}", text);
                break;
            default:
                log.debug("{}", text);
        }
    }
}
