package dev.mailer.it.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.rules.ExternalResource;

/** The launchers a test started ({@code @Rule}): whichever still runs when the test ends is killed. */
public final class ChildProcesses extends ExternalResource {

    private static final Duration KILL_DEADLINE = Duration.ofSeconds(60);

    private final List<LauncherProcess.Running> children = new ArrayList<>();

    /** Keeps {@code child} for the end of the test; returns it. */
    public LauncherProcess.Running add(LauncherProcess.Running child) {
        children.add(child);
        return child;
    }

    public int size() {
        return children.size();
    }

    @Override
    protected void after() {
        for (LauncherProcess.Running child : children) {
            if (child.isAlive()) {
                try {
                    child.kill(KILL_DEADLINE);
                } catch (Exception e) {
                    throw new IllegalStateException("could not kill a launcher the test started", e);
                }
            }
        }
    }
}
