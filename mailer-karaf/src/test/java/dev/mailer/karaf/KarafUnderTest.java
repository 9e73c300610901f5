package dev.mailer.karaf;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.environment;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.vmOption;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.replaceConfigurationFile;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ops4j.pax.exam.Option;

/**
 * The Apache Karaf the test runs in, as Pax Exam's Karaf container starts it: the distribution the build fetched
 * ({@code target/karaf/apache-karaf.tar.gz}), unpacked under {@code target/karaf-it}, started as a child process
 * with the JDK of the test. Driver side only: nothing here runs inside Karaf.
 *
 * <p>It reads Maven artifacts from its own {@code system/} folder and from {@code target/karaf-repo} (the feature's
 * bundles, its features.xml and configuration file, Karaf's "scr" and Pax Exam's "exam" feature), with an empty local
 * repository of its own and no remote one: nothing is fetched from the internet, and nothing a developer once
 * installed into {@code ~/.m2} is used.
 */
final class KarafUnderTest {

    private KarafUnderTest() {
    }

    /** A system property failsafe sets (see the pom). */
    static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set: run the test with Maven (failsafe)");
        }
        return value;
    }

    /** The distribution, the Maven repositories it reads, no consoles, and the JVM options of bin/karaf. */
    static Option karaf(Path work) throws IOException {
        String version = property("mailer.karaf.version");
        Path localRepository = Files.createDirectories(work.resolve("m2"));
        Path settings = work.resolve("settings.xml");
        Files.writeString(settings, "<settings/>\n", StandardCharsets.UTF_8);
        String mvnCfg = "etc/org.ops4j.pax.url.mvn.cfg";
        return composite(
                karafDistributionConfiguration()
                        .frameworkUrl(Paths.get(property("mailer.karaf.distribution")).toUri().toString())
                        .karafVersion(version)
                        .name("Apache Karaf")
                        .unpackDirectory(work.resolve("karaf").toFile())
                        .useDeployFolder(false),
                // the folder stays for a look at data/log/karaf.log after a failure; mvn clean removes it
                keepRuntimeFolder(),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                // only the local repositories: Karaf's system/ folder and the build's
                editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.repositories", ""),
                editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.defaultRepositories",
                        "${karaf.home.uri}${karaf.default.repository}@id=system.repository@snapshots, "
                                + Paths.get(property("mailer.karaf.repo")).toUri() + "@id=mailer-build@snapshots"),
                editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.localRepository", localRepository.toString()),
                editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.settings", settings.toString()),
                editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.offline", "true"),
                editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.useFallbackRepositories", "false"),
                // Karaf's boot features without the SSH server and JMX (no listening ports beyond the test's)
                editConfigurationFilePut("etc/org.apache.karaf.features.cfg", "featuresBoot",
                        "instance, package, log, framework, system, eventadmin, feature, shell, service, jaas, deployer,"
                                + " diagnostic, wrap, bundle, config, kar"),
                jvmOptionsOfBinKaraf(version));
    }

    /**
     * What bin/karaf passes a Java 17+ JVM (Pax Exam's runner does not): the patched java.xml and locator modules, the
     * opened packages, and the class path with lib/jdk9plus (JAXB, which the features service reads XML with).
     */
    private static Option jvmOptionsOfBinKaraf(String version) {
        List<Option> options = new ArrayList<>();
        for (String option : new String[] {
            "--add-reads=java.xml=java.logging",
            "--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED",
            "--patch-module", "java.base=lib/endorsed/org.apache.karaf.specs.locator-" + version + ".jar",
            "--patch-module", "java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + version + ".jar",
            "--add-opens", "java.base/java.security=ALL-UNNAMED",
            "--add-opens", "java.base/java.net=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.util=ALL-UNNAMED",
            "--add-opens", "java.naming/javax.naming.spi=ALL-UNNAMED",
            "--add-opens", "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
            "--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "-classpath", "lib/jdk9plus/*" + File.pathSeparator + "lib/boot/*"}) {
            options.add(vmOption(option));
        }
        if (Runtime.version().feature() < 24) {
            // bin/karaf's, for JDK 23, where Subject.getSubject (which Karaf's EventAdmin calls) throws without it
            options.add(vmOption("-Djava.security.manager=allow"));
        } else {
            // JDK 24+ refuse to start with that option, and Subject.getSubject always throws: bin/karaf of Karaf 4.4.x
            // (4.4.10 too) cannot start there. Karaf's EventAdmin asks for the Subject only to add it to events, which
            // this setting turns off; then Karaf boots and runs the feature (see the README)
            options.add(editConfigurationFilePut("etc/org.apache.felix.eventadmin.impl.EventAdmin.cfg",
                    "org.apache.felix.eventadmin.AddSubject", "false"));
            // Felix's SecureAction calls sun.misc.Unsafe: JDK 24+ warns on stderr, which is no failure
            options.add(vmOption("--sun-misc-unsafe-memory-access=allow"));
        }
        return composite(options.toArray(new Option[0]));
    }

    /** The environment of the Karaf process: what an operator exports before bin/karaf. */
    static Option environmentOf(Map<String, String> variables) {
        List<Option> options = new ArrayList<>();
        variables.forEach((name, value) -> options.add(environment(name + "=" + value)));
        return composite(options.toArray(new Option[0]));
    }

    /** A file an operator puts into Karaf's etc/ (a configuration, or a secret: Karaf's secrets folder is etc/). */
    static Option etcFile(String name, Path file) {
        return replaceConfigurationFile("etc/" + name, file.toFile());
    }

    /** A value the probe inside Karaf reads as a system property. */
    static Option probeProperty(String name, String value) {
        return systemProperty(name).value(value);
    }

    /**
     * test-support in Karaf, for the probe (TestSmtpServer, TestPki, XOAUTH2), with the org.json bundle it imports:
     * the feature's own (the same mvn: location, so the feature finds it installed).
     */
    static Option testSupport() throws IOException {
        return composite(
                bundle("mvn:org.json/json/" + bundleVersionInFeature("org.json", "json")),
                bundle(Paths.get(property("mailer.karaf.test.bundles"), "test-support.jar").toUri().toString()));
    }

    /** The version of a bundle in the generated features.xml. */
    private static String bundleVersionInFeature(String groupId, String artifactId) throws IOException {
        String features = Files.readString(Paths.get(property("mailer.karaf.features.file")), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile(">mvn:" + Pattern.quote(groupId + "/" + artifactId + "/") + "([^<]+)<").matcher(features);
        if (!m.find()) {
            throw new IllegalStateException("no bundle " + groupId + ":" + artifactId + " in " + property("mailer.karaf.features.file"));
        }
        return m.group(1);
    }
}
