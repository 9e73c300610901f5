package dev.mailer.launcher;

import java.util.Set;

/**
 * Which of the embedded bundles a run resolves and starts. The bundles are one list (the jar's
 * {@code bundles/}, from mailer-runtime) and all of them stay installed in the one framework
 * storage; the plan only filters by purpose. A one-shot command ({@code send}, {@code check}, ...)
 * leaves out what it never uses: the Gogo shell, metatype (which parses every bundle's metatype XML
 * at start), the health checks and the token broker. Long-running runs ({@code serve}, the shell) keep everything.
 */
final class StartPlan {

    /** What a run does with a bundle. */
    enum Step {
        /** Resolved and started. */
        START,
        /** Resolved (so a broken bundle shows at once) but not started: the shell outside the shell mode. */
        RESOLVE,
        /** Neither: not needed by this command. */
        SKIP
    }

    /** Gogo's bundles: started only for the interactive shell, and last, once everything else is up. */
    static final Set<String> SHELL_BUNDLES = Set.of("org.apache.felix.gogo.runtime", "org.apache.felix.gogo.shell",
            "org.apache.felix.gogo.command");

    /** Used only by a container that keeps running: metatype for the shell and consoles, the health checks, the token broker. */
    static final Set<String> LONG_RUNNING_BUNDLES = Set.of("org.apache.felix.metatype", "dev.mailer.mailer-health",
            "dev.mailer.mailer-broker");

    private final boolean shell;
    private final boolean oneShot;
    private final boolean localServices;

    private StartPlan(boolean shell, boolean oneShot, boolean localServices) {
        this.shell = shell;
        this.oneShot = oneShot;
        this.localServices = localServices;
    }

    /** The plan of {@code command}: null for the shell, {@value Main#SERVE} for serve, one-shot for every other. */
    static StartPlan forCommand(String command) {
        boolean oneShot = command != null && !Main.SERVE.equals(command);
        return new StartPlan(command == null, oneShot, !oneShot || Main.CHECK.equals(command));
    }

    /** Whether the run ends after one command; then nothing of it listens for clients ({@code mailer.listen=false}). */
    boolean isOneShot() {
        return oneShot;
    }

    /**
     * Whether the run reads the configuration of the local services (the relay, the token broker) when
     * their variables are set: the runs that keep running run them, {@code check} checks them.
     */
    boolean withLocalServices() {
        return localServices;
    }

    /** What happens to the bundle {@code symbolicName} in this run. */
    Step step(String symbolicName) {
        if (SHELL_BUNDLES.contains(symbolicName)) {
            return shell ? Step.START : oneShot ? Step.SKIP : Step.RESOLVE;
        }
        if (oneShot && LONG_RUNNING_BUNDLES.contains(symbolicName)) {
            return Step.SKIP;
        }
        return Step.START;
    }

    /** Whether the bundle is started after all others (the shell, so that the first command typed finds the services). */
    boolean startsLast(String symbolicName) {
        return SHELL_BUNDLES.contains(symbolicName);
    }
}
