package dev.mailer.it.support;

import static org.ops4j.pax.exam.cm.ConfigurationAdminOptions.factoryConfiguration;
import static org.ops4j.pax.exam.cm.ConfigurationAdminOptions.newConfiguration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.apache.sling.testing.paxexam.SlingOptions;
import org.json.JSONArray;
import org.json.JSONObject;
import org.osgi.framework.Constants;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.ops4j.pax.exam.cm.ConfigurationOption;
import org.ops4j.pax.exam.options.MavenArtifactProvisionOption;

/**
 * Adds to the container of {@link SlingPlatform} what an instance of a Sling or AEM cluster shares with the
 * others: Apache Sling on Apache Jackrabbit Oak (segment-tar, in a folder of this test class under the work
 * directory) with resources, service users, repoinit and Sling Event (the {@code JobManager}).
 *
 * <p>The bundles are target/sling-bundles (the it.tests pom lists them, with the versions of
 * {@code org.apache.sling.testing.paxexam}). The configurations are those of that library's
 * {@link SlingOptions#slingQuickstartOakTar(String, int)} and {@link SlingOptions#slingEvent()} (Oak security,
 * JAAS, the segment store's folder, service users and their mappings), of which only the configurations are
 * taken: its Maven bundle options are dropped, so that mailer-runtime's list stays the one list of the
 * configuration, DS and logging bundles and nothing is installed twice. There is no HTTP service in this
 * container (the tests reach Sling through its services), so the quickstart's port is never bound.
 *
 * <p>For the tests: a service user {@value #TEST_SERVICE_USER} allowed everything under {@value #CONF_PATH},
 * mapped to the sub-service {@value #TEST_SUBSERVICE} of the bundle {@value #PROBE_SYMBOLIC_NAME} (the test
 * probe, see {@code SlingClusterPlatformIT#probe}).
 */
public final class SlingClusterPlatform {

    /** Where the mailer keeps what a cluster shares (the token path is below it). */
    public static final String CONF_PATH = "/conf/mailer";

    /** The Bundle-SymbolicName the test classes give their probe, so that a service user can be mapped to it. */
    public static final String PROBE_SYMBOLIC_NAME = "dev.mailer.it.sling.probe";

    /** The probe's sub-service for {@link #TEST_SERVICE_USER}. */
    public static final String TEST_SUBSERVICE = "conf-writer";

    /** A service user of the tests, allowed everything under {@link #CONF_PATH}. */
    public static final String TEST_SERVICE_USER = "mailer-it-conf-writer";

    private SlingClusterPlatform() {
    }

    /**
     * {@code base} plus the Sling platform (driver side, before the framework exists), on a new, empty
     * repository in {@link #repositoryHome(Class)}.
     */
    public static Option[] with(Class<?> testClass, Option[] base) {
        deleteRecursively(repositoryHome(testClass));
        return platform(testClass, base);
    }

    /**
     * As {@link #with}, but the repository is emptied only the first time in this driver JVM: the containers of
     * the test methods of a class with {@code ExamReactorStrategy(PerMethod.class)} run one after the other on
     * the same repository, as an instance that is stopped and started again.
     */
    public static Option[] withRepositoryKept(Class<?> testClass, Option[] base) {
        synchronized (EMPTIED) {
            if (EMPTIED.add(testClass.getName())) {
                deleteRecursively(repositoryHome(testClass));
            }
        }
        return platform(testClass, base);
    }

    /** The test classes whose repository was emptied in this JVM. */
    private static final java.util.Set<String> EMPTIED = new java.util.HashSet<>();

    private static Option[] platform(Class<?> testClass, Option[] base) {
        Path home = repositoryHome(testClass);
        List<Option> options = new ArrayList<>(List.of(SlingPlatform.with(base)));
        options.addAll(ContainerSetup.bundlesIn(ItPaths.slingBundles()));
        // no HTTP service here: the port of the quickstart's (unused) org.apache.felix.http configuration is 0
        for (Option option : OptionUtils.expand(SlingOptions.slingQuickstartOakTar(home.toString(), 0), SlingOptions.slingEvent())) {
            if (!(option instanceof MavenArtifactProvisionOption)) {
                options.add(option);
            }
        }
        options.addAll(shippedConfigurations());
        // Sling Event runs no job for 30 s after it starts by default (time for a restarting cluster to come back
        // before jobs are reassigned): every test would wait for it
        options.add(newConfiguration("org.apache.sling.event.impl.jobs.jcr.PersistenceHandler").put("startup.delay", 1L).asOption());
        options.add(factoryConfiguration("org.apache.sling.jcr.repoinit.RepositoryInitializer")
                .put("scripts", new String[] {"create service user " + TEST_SERVICE_USER + " with path system/sling\n"
                        + "create path (sling:Folder) " + CONF_PATH + "\n"
                        + "set principal ACL for " + TEST_SERVICE_USER + "\n"
                        + "  allow jcr:all on " + CONF_PATH + "\n"
                        + "end"})
                .asOption());
        options.add(factoryConfiguration("org.apache.sling.serviceusermapping.impl.ServiceUserMapperImpl.amended")
                .put("user.mapping", new String[] {PROBE_SYMBOLIC_NAME + ":" + TEST_SUBSERVICE + "=[" + TEST_SERVICE_USER + "]"})
                .asOption());
        return options.toArray(new Option[0]);
    }

    /**
     * The configurations the mailer ships for Sling and AEM (osgi-config's mailer-sling: the repoinit of its service
     * users and their mappings), as they are: the tests run on what an admin installs.
     */
    private static List<Option> shippedConfigurations() {
        List<Option> options = new ArrayList<>();
        try (Stream<Path> files = Files.list(ItPaths.slingConfigDir())) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".cfg.json")).sorted()::iterator) {
                String name = file.getFileName().toString();
                String factoryPid = name.substring(0, name.indexOf('~'));
                JSONObject json = new JSONObject(Files.readString(file, StandardCharsets.UTF_8));
                ConfigurationOption configuration = factoryConfiguration(factoryPid);
                for (String key : json.keySet()) {
                    JSONArray values = json.getJSONArray(key);
                    String[] strings = new String[values.length()];
                    for (int i = 0; i < strings.length; i++) {
                        strings[i] = values.getString(i);
                    }
                    configuration = configuration.put(key, strings);
                }
                options.add(configuration.asOption());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the shipped Sling configurations in " + ItPaths.slingConfigDir(), e);
        }
        return options;
    }

    /** Gives the probe {@link #PROBE_SYMBOLIC_NAME}, so that the platform's test service user mapping applies to it. */
    public static TestProbeBuilder probe(TestProbeBuilder probe) {
        probe.setHeader(Constants.BUNDLE_SYMBOLICNAME, PROBE_SYMBOLIC_NAME);
        return probe;
    }

    /** The Sling home of {@code testClass}'s container: the segment store is in its repository folder. */
    public static Path repositoryHome(Class<?> testClass) {
        return ItPaths.workDir().resolve("sling").resolve(testClass.getSimpleName());
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot empty the repository folder " + dir, e);
        }
    }
}
