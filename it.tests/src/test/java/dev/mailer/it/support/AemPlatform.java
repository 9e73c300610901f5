package dev.mailer.it.support;

import org.ops4j.pax.exam.Option;

/**
 * Adds to the container of {@link ContainerSetup} the AEM bridge (mailer-aem) and what an AEM
 * instance gives it: Apache Commons Email 1.6, javax.mail 1.6 (com.sun.mail) and activation 1.2 as
 * the bundles they are, and the AEM API packages (com.day.cq.mailer, Granite workflow, Sling
 * Resource, Jackrabbit user, JCR) wrapped from the AEM SDK API jar (module test-aem-api), from
 * target/aem-bundles.
 */
public final class AemPlatform {

    private AemPlatform() {
    }

    /** {@code base} plus the AEM bundles (driver side, before the framework exists). */
    public static Option[] with(Option[] base) {
        return ContainerSetup.plus(base, ItPaths.aemBundles());
    }
}
