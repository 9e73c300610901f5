package dev.mailer.it.support;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.workingDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.options.UrlProvisionOption;

import dev.mailer.testsupport.pki.TestPki;


/**
 * The Felix every test class boots (runs in the test JVM, before the framework exists):
 * <ul>
 * <li>exactly mailer-runtime's bundles (from target/bundles), plus GreenMail and slf4j-simple
 * (target/test-bundles) and the JUnit bundles Pax Exam's probe needs;</li>
 * <li>ConfigAdmin with the interpolation plugin (required before configurations are delivered) and
 * the secrets directory;</li>
 * <li>FileInstall watching the .cfg.json files unpacked from the osgi-config jar, which our
 * installer turns into configurations;</li>
 * <li>slf4j-simple writing everything logged through SLF4J inside Felix to one file per test class,
 * which the tests read back ({@link LogFile});</li>
 * <li>GreenMail's TLS key: the test PKI's server certificate.</li>
 * </ul>
 * The test PKI and the secret files are made once per test JVM, before the first framework starts:
 * the .cfg.json file names them (SMTP_TRUSTSTORE_PATH, $[secret:smtp_password]).
 */
public final class ContainerSetup {

    /** The framework property naming the interpolation plugin's secrets directory. */
    public static final String SECRETS_DIR_PROPERTY = "org.apache.felix.configadmin.plugin.interpolation.secretsdir";

    private static boolean prepared;

    private ContainerSetup() {
    }

    public static Option[] options(Class<?> testClass) {
        return options(testClass, ItPaths.configDir(), 1000);
    }

    /**
     * As {@link #options(Class)}, with FileInstall watching {@code configDir} (polled every
     * {@code pollMillis}) instead of the folder of the default .cfg.json file: for tests that put
     * the files of a provider profile there themselves.
     */
    public static Option[] options(Class<?> testClass, Path configDir, long pollMillis) {
        return options(testClass, configDir, pollMillis, jar -> true);
    }

    /**
     * As {@link #options(Class)}, without the runtime bundles whose file name starts with one of
     * {@code leftOut}: a Felix that lacks an optional platform service altogether.
     */
    public static Option[] optionsWithout(Class<?> testClass, String... leftOut) {
        return options(testClass, ItPaths.configDir(), 1000,
                jar -> List.of(leftOut).stream().noneMatch(prefix -> jar.getFileName().toString().startsWith(prefix)));
    }

    private static Option[] options(Class<?> testClass, Path configDir, long pollMillis, Predicate<Path> runtimeBundle) {
        prepareOnce();
        Path logFile = ItPaths.logFile(testClass.getSimpleName());
        TestPki pki = loadPki();
        List<Option> options = new ArrayList<>();

        // pax-url: Pax Exam's own bundles from the local repository only (see the pom)
        options.add(systemProperty("org.ops4j.pax.url.mvn.repositories").value(""));
        options.add(workingDirectory(ItPaths.workDir().resolve("paxexam").toString()));
        options.add(cleanCaches(true));

        // SLF4J inside Felix: slf4j-simple, everything into this class's log file
        options.add(systemProperty("org.slf4j.simpleLogger.logFile").value(logFile.toString()));
        options.add(systemProperty("org.slf4j.simpleLogger.defaultLogLevel").value("info"));
        options.add(systemProperty("org.slf4j.simpleLogger.log.dev.mailer").value("debug"));
        options.add(systemProperty("org.slf4j.simpleLogger.showDateTime").value("true"));
        options.add(systemProperty("org.slf4j.simpleLogger.dateTimeFormat").value("HH:mm:ss.SSS"));

        // GreenMail's SMTPS key: read from this file (no TCCL lookup)
        options.add(systemProperty("greenmail.tls.keystore.file").value(pki.serverKeystore().toString()));
        options.add(systemProperty("greenmail.tls.keystore.password").value(pki.keystorePassword()));

        // ConfigAdmin waits for the interpolation plugin; $[secret:NAME] reads secrets/NAME
        options.add(frameworkProperty("felix.cm.config.plugins").value("org.apache.felix.configadmin.plugin.interpolation"));
        options.add(frameworkProperty(SECRETS_DIR_PROPERTY).value(ItPaths.secretsDir().toString()));

        // FileInstall + our .cfg.json installer: the real osgi-config files
        options.add(frameworkProperty("felix.fileinstall.dir").value(configDir.toString()));
        options.add(frameworkProperty("felix.fileinstall.enableConfigSave").value("false"));
        options.add(frameworkProperty("felix.fileinstall.noInitialDelay").value("true"));
        options.add(frameworkProperty("felix.fileinstall.poll").value(Long.toString(pollMillis)));
        options.add(frameworkProperty("felix.fileinstall.log.level").value("2"));

        options.add(junitBundles());
        options.addAll(bundlesIn(ItPaths.runtimeBundles(), runtimeBundle));
        options.addAll(bundlesIn(ItPaths.testBundles()));
        return options.toArray(new Option[0]);
    }

    /** The bundles of a folder, in name order; fragments are installed but not started. */
    /** {@code base} plus every bundle in {@code dir} (driver side, before the framework exists). */
    static Option[] plus(Option[] base, Path dir) {
        List<Option> options = new ArrayList<>(List.of(base));
        options.addAll(bundlesIn(dir));
        return options.toArray(new Option[0]);
    }

    static List<Option> bundlesIn(Path dir) {
        return bundlesIn(dir, jar -> true);
    }

    private static List<Option> bundlesIn(Path dir, Predicate<Path> keep) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).filter(keep).sorted()
                    .collect(Collectors.toList());
            if (jars.isEmpty()) {
                throw new IllegalStateException("No bundles in " + dir + ": run the tests through Maven (mvn verify),"
                        + " which copies them there in pre-integration-test");
            }
            List<Option> options = new ArrayList<>();
            for (Path jar : jars) {
                UrlProvisionOption option = bundle(jar.toUri().toString());
                options.add(isFragment(jar) ? option.noStart() : option);
            }
            return options;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the bundles in " + dir, e);
        }
    }

    static boolean isFragment(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            if (manifest == null || manifest.getMainAttributes().getValue("Bundle-SymbolicName") == null) {
                throw new IllegalStateException(jar + " is not an OSGi bundle (no Bundle-SymbolicName)");
            }
            return manifest.getMainAttributes().getValue("Fragment-Host") != null;
        }
    }

    /** The PKI and the secret files, made fresh once per test JVM. */
    private static synchronized void prepareOnce() {
        if (prepared) {
            return;
        }
        try {
            TestPki pki = TestPki.generate(ItPaths.pkiDir());
            Secrets.write(ItPaths.secretsDir(), Secrets.SMTP_PASSWORD, TestPki.randomPassword());
            Secrets.write(ItPaths.secretsDir(), Secrets.SMTP_TRUSTSTORE_PASSWORD, pki.truststorePassword());
            Files.createDirectories(ItPaths.workDir().resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the test PKI and secrets in " + ItPaths.workDir(), e);
        }
        prepared = true;
    }

    private static TestPki loadPki() {
        try {
            return TestPki.load(ItPaths.pkiDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
