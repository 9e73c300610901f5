package dev.mailer.it.support;

import java.nio.file.Path;

/**
 * Where the build put things for the tests, and where the tests put theirs. Read from system
 * properties that failsafe sets (see the pom); the same values are seen in the test JVM and, as the
 * native container shares the JVM, inside Felix.
 */
public final class ItPaths {

    private ItPaths() {
    }

    /** mailer-runtime's bundles, copied by maven-dependency-plugin. */
    public static Path runtimeBundles() {
        return path("mailer.it.bundles");
    }

    /** Bundles only the tests need inside Felix (GreenMail, slf4j-simple). */
    public static Path testBundles() {
        return path("mailer.it.test.bundles");
    }

    /** An HTTP Whiteboard and mailer-oauth-web, for the test classes that add them ({@link WebContainer}). */
    public static Path webBundles() {
        return path("mailer.it.web.bundles");
    }

    /** Sling Commons Scheduler/Threads/Metrics and Felix Health Checks, for the test classes that add them ({@link SlingPlatform}). */
    public static Path platformBundles() {
        return path("mailer.it.platform.bundles");
    }

    /** mailer-aem, Commons Email, javax.mail and the AEM API packages, for the test classes that add them ({@link AemPlatform}). */
    public static Path aemBundles() {
        return path("mailer.it.aem.bundles");
    }

    /** Apache Sling on Oak with Sling Event, for the test classes that add them ({@link SlingClusterPlatform}). */
    public static Path slingBundles() {
        return path("mailer.it.sling.bundles");
    }

    /** The configurations the mailer ships for Sling and AEM (repoinit, service user mappings), unpacked from the osgi-config jar. */
    public static Path slingConfigDir() {
        return path("mailer.it.sling.config.dir");
    }

    /** The .cfg.json files unpacked from the osgi-config jar; FileInstall watches this folder. */
    public static Path configDir() {
        return path("mailer.it.config.dir");
    }

    /** The provider profiles unpacked from the osgi-config jar: one folder of .cfg.json files each (office365, ...). */
    public static Path profilesDir() {
        return path("mailer.it.profiles.dir");
    }

    /** Everything the tests create: PKI, secrets, logs, Pax Exam's working directory. */
    public static Path workDir() {
        return path("mailer.it.work.dir");
    }

    /** Test CA, server keystores, truststore (SMTP_TRUSTSTORE_PATH points into it). */
    public static Path pkiDir() {
        return workDir().resolve("pki");
    }

    /** The interpolation plugin's secrets directory ($[secret:NAME] reads the file NAME). */
    public static Path secretsDir() {
        return workDir().resolve("secrets");
    }

    /** The SLF4J log of one test class's Felix, read back by the tests. */
    public static Path logFile(String testClassName) {
        return workDir().resolve("logs").resolve(testClassName + ".log");
    }

    private static Path path(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + property + " is not set: run the tests with Maven"
                    + " (mvn verify -pl it.tests), whose failsafe configuration sets it");
        }
        return Path.of(value).toAbsolutePath();
    }
}
