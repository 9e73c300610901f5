package dev.mailer.launcher;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a run's time goes: with {@value #ENV}{@code =1} every phase of the run (JVM start to main,
 * framework init, bundles, the services the command waits for, the command, the stop) is printed
 * to stderr at the end, in milliseconds since the JVM started and since the previous phase.
 * Switched off it records nothing.
 */
final class Timeline {

    static final String ENV = "MAILER_TIMELINE";
    /** Set by {@link FastStart} on the second JVM: when the first JVM started, so that its start counts too. */
    static final String ORIGIN_PROPERTY = "mailer.timeline.origin";
    /** Set by {@link FastStart} on the second JVM: when the first JVM started it. */
    static final String RELAUNCH_PROPERTY = "mailer.timeline.relaunch";

    private static final Timeline OFF = new Timeline(false, 0);

    private final boolean on;
    private final long originMillis;
    private final List<String> names = new ArrayList<>();
    private final List<Long> millis = new ArrayList<>();

    private Timeline(boolean on, long originMillis) {
        this.on = on;
        this.originMillis = originMillis;
    }

    /** On when {@value #ENV} is {@code 1} or {@code true}; its origin is this process's start (or the first JVM's). */
    static Timeline of(Map<String, String> env) {
        String value = env.getOrDefault(ENV, "");
        if (!value.equals("1") && !value.equalsIgnoreCase("true")) {
            return OFF;
        }
        long main = System.currentTimeMillis();
        String origin = System.getProperty(ORIGIN_PROPERTY);
        // loaded only with the timeline on: the JVM's own record of its start (the process's start time is in whole ticks)
        Timeline timeline = new Timeline(true, origin != null ? Long.parseLong(origin) : ManagementFactory.getRuntimeMXBean().getStartTime());
        String relaunch = System.getProperty(RELAUNCH_PROPERTY);
        if (relaunch != null) {
            timeline.names.add("first JVM started, second JVM launched");
            timeline.millis.add(Long.parseLong(relaunch));
        }
        timeline.names.add(relaunch != null ? "second JVM started, main" : "JVM started, main");
        timeline.millis.add(main);
        timeline.mark("timeline set up");
        return timeline;
    }

    boolean isOn() {
        return on;
    }

    /** When the process (or the first JVM) started, in epoch milliseconds. */
    long origin() {
        return originMillis;
    }

    /** Records that the phase {@code name} ended now. */
    synchronized void mark(String name) {
        if (on) {
            names.add(name);
            millis.add(System.currentTimeMillis());
        }
    }

    /** Prints each phase: its end since the start, and how long it took. */
    synchronized void print(PrintStream err) {
        if (!on) {
            return;
        }
        long previous = originMillis;
        for (int i = 0; i < names.size(); i++) {
            long at = millis.get(i);
            err.printf("mailer: timeline %6d ms %+6d ms  %s%n", at - originMillis, at - previous, names.get(i));
            previous = at;
        }
    }
}
