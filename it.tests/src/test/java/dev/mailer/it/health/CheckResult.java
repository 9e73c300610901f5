package dev.mailer.it.health;

import java.util.List;

/** One health check's result as the executor gave it, in plain text: what the tests assert on. Immutable. */
public final class CheckResult {

    private final String name;
    private final String status;
    private final List<String> lines;

    CheckResult(String name, String status, List<String> lines) {
        this.name = name;
        this.status = status;
        this.lines = List.copyOf(lines);
    }

    /** The check's {@code hc.name}. */
    public String name() {
        return name;
    }

    /** {@code OK}, {@code WARN}, {@code CRITICAL}, {@code HEALTH_CHECK_ERROR}, ... */
    public String status() {
        return status;
    }

    /** Each entry of its log as {@code STATUS message}. */
    public List<String> lines() {
        return lines;
    }

    public boolean is(String expected) {
        return status.equals(expected);
    }

    /** Whether an entry of its log contains {@code text}. */
    public boolean says(String text) {
        return lines.stream().anyMatch(line -> line.contains(text));
    }

    @Override
    public String toString() {
        return name + " " + status + " " + lines;
    }
}
