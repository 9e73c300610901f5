package dev.mailer.it.support;

import org.ops4j.pax.exam.Option;

/**
 * Adds to the container of {@link ContainerSetup} the platform services an AEM or Sling instance
 * has and our bundles use when present (DESIGN.md "Optional platform services"): Sling Commons
 * Scheduler, Threads and Metrics, Sling Discovery (standalone, so this instance is the leader of a
 * cluster of one, and scheduler.runOn jobs run), Felix Health Checks (with the Event Admin and Servlet Whiteboard
 * APIs their core imports), from target/platform-bundles. The test classes without it are the plain
 * Felix the launcher is.
 */
public final class SlingPlatform {

    private SlingPlatform() {
    }

    /** {@code base} plus the platform bundles (driver side, before the framework exists). */
    public static Option[] with(Option[] base) {
        return ContainerSetup.plus(base, ItPaths.platformBundles());
    }
}
