package dev.mailer.launcher;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Namespace;
import org.osgi.resource.Requirement;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The embedded Felix framework with the bundles packed into the launcher.
 *
 * <p>The framework storage is kept between runs, so bundle data areas (and what bundles keep there)
 * survive restarts. Each embedded bundle is installed under a location derived from its symbolic
 * name, so a new version of it is an update of the same bundle (same id, same data area), and it is
 * updated only when its bytes changed since the last run (CRC-32 and size, from the launcher jar's directory,
 * recorded beside the storage). While the storage is opened and synced, other launcher runs wait ({@link CacheLock}).
 *
 * <p>Bundles are started transiently on every run: what runs is decided by the launcher each time
 * (in {@code send} mode the shell is left out), not by what an earlier run left behind.
 *
 * <p>The mailer's own bundles ({@value #MAILER_BUNDLES}*) have a start level above the others', so
 * that they stop first: the mail service finishes the deliveries in flight while the services it
 * uses (the CryptoService that decrypts the outbox's messages) are still there.
 */
final class Container {

    /** Location prefix of the bundles the launcher manages; bundles installed otherwise are left alone. */
    static final String LOCATION_PREFIX = "mailer-launcher:";

    /** The symbolic names of the mailer's own bundles start with this. */
    static final String MAILER_BUNDLES = "dev.mailer.";
    /** The framework's start level once started: the mailer's bundles' level. */
    static final int BEGINNING_START_LEVEL = 2;
    private static final int PLATFORM_START_LEVEL = 1;

    private static final long REFRESH_TIMEOUT_SECONDS = 60;
    private static final long STOP_TIMEOUT_MS = 30_000;
    /** A bundle start the timeline names: longer than this (what its activator, or SCR for its components, did). */
    private static final long SLOW_START_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Framework framework;
    private final Timeline timeline;

    private Container(Framework framework, Timeline timeline) {
        this.framework = framework;
        this.timeline = timeline;
    }

    /**
     * Starts the framework, brings the embedded bundles up to date and starts those of the plan.
     *
     * @param properties   framework properties (values may be objects, e.g. Felix's logger)
     * @param bundles      file name to fingerprint of the embedded bundles ({@link JarResources#fingerprints})
     * @param content      the content of an embedded bundle, by file name: read only for a bundle that changed
     * @param index        file recording, per embedded file, the fingerprint and location installed from it
     * @param lockFile     the lock held while the storage is opened and synced ({@link CacheLock})
     * @param beforeStart  run after the framework is initialised but before any bundle starts
     * @param plan         which bundles are resolved and started
     * @param timeline     where the phases are recorded
     * @throws ContainerException listing every bundle that failed to resolve or start, with the reason
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Container start(Map<String, Object> properties, Map<String, String> bundles, BundleContent content, Path index, Path lockFile,
            ThrowingRunnable beforeStart, StartPlan plan, Timeline timeline) throws ContainerException, IOException {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, Container.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new ContainerException(List.of("no OSGi framework in the launcher jar (META-INF/services)")));
        // Felix takes objects as values (felix.log.logger); the API says String
        Framework framework = factory.newFramework((Map) properties);
        Container container = new Container(framework, timeline);
        CacheLock lock = null;
        try {
            lock = CacheLock.acquire(lockFile);
            timeline.mark("storage lock acquired");
            framework.init();
            timeline.mark("framework initialised (storage opened)");
            if (timeline.isOn()) {
                ServiceMarks.register(framework.getBundleContext(), timeline);
            }
            beforeStart.run();
            timeline.mark("configuration prepared");
            List<Bundle> changed = new ArrayList<>();
            Map<Bundle, Boolean> ours = container.sync(bundles, content, index, changed);
            timeline.mark("bundles synced with the storage (" + changed.size() + " installed or updated)");
            framework.start();
            if (!changed.isEmpty()) {
                container.refresh(changed);
            }
            lock.close();
            timeline.mark("framework started");
            container.startAll(ours, plan);
            timeline.mark("bundles resolved and started");
            return container;
        } catch (ContainerException | IOException | RuntimeException e) {
            container.stop();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            container.stop();
            throw new ContainerException(List.of("interrupted while waiting for another launcher run to release " + lockFile));
        } catch (BundleException e) {
            container.stop();
            throw new ContainerException(List.of("the framework did not start: " + e.getMessage()));
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }

    /** The content of an embedded bundle, by file name. */
    @FunctionalInterface
    interface BundleContent {
        byte[] read(String fileName) throws IOException;
    }

    /**
     * Installs, updates and uninstalls so that exactly the embedded bundles are present; returns them
     * (true: fragment). A file whose fingerprint is the one recorded for an installed bundle is not
     * read at all.
     */
    private Map<Bundle, Boolean> sync(Map<String, String> bundles, BundleContent content, Path index, List<Bundle> changed)
            throws IOException, ContainerException {
        BundleContext context = framework.getBundleContext();
        Properties recorded = new Properties();
        if (Files.isRegularFile(index)) {
            try (InputStream in = Files.newInputStream(index)) {
                recorded.load(in);
            }
        }
        Map<String, Bundle> installed = new HashMap<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getLocation().startsWith(LOCATION_PREFIX)) {
                installed.put(bundle.getLocation(), bundle);
            }
        }
        Properties current = new Properties();
        Map<Bundle, Boolean> ours = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, String> file : bundles.entrySet()) {
            String fingerprint = file.getValue();
            String[] before = recorded.getProperty(file.getKey(), "").split(" ", 2);
            try {
                Bundle bundle;
                if (before.length == 2 && before[0].equals(fingerprint) && installed.containsKey(before[1])) {
                    bundle = installed.remove(before[1]);
                } else {
                    bundle = installOrUpdate(file.getKey(), content.read(file.getKey()), installed, changed, errors);
                    if (bundle == null) {
                        continue;
                    }
                }
                current.setProperty(file.getKey(), fingerprint + " " + bundle.getLocation());
                int level = bundle.getSymbolicName().startsWith(MAILER_BUNDLES) ? BEGINNING_START_LEVEL : PLATFORM_START_LEVEL;
                BundleStartLevel startLevel = bundle.adapt(BundleStartLevel.class);
                if (startLevel.getStartLevel() != level) {
                    // written to the storage: only when it differs
                    startLevel.setStartLevel(level);
                }
                ours.put(bundle, (bundle.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) != 0);
            } catch (BundleException e) {
                errors.add(file.getKey() + ": " + e.getMessage());
            }
        }
        // embedded in an earlier launcher, not in this one
        for (Bundle stale : installed.values()) {
            try {
                stale.uninstall();
                changed.add(stale);
            } catch (BundleException e) {
                errors.add("cannot uninstall " + stale.getLocation() + ": " + e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw new ContainerException(errors);
        }
        if (!current.equals(recorded)) {
            try (OutputStream out = Files.newOutputStream(index)) {
                current.store(out, "per embedded bundle file: its fingerprint (CRC-32 and size) and the location it is installed at;"
                        + " another fingerprint means the bundle is updated");
            }
        }
        return ours;
    }

    /**
     * Installs the bundle {@code fileName}, or updates the one installed at its location, uncompressed
     * ({@link UncompressedJar}); null (and an error) when it is no bundle.
     */
    private Bundle installOrUpdate(String fileName, byte[] bytes, Map<String, Bundle> installed, List<Bundle> changed, List<String> errors)
            throws IOException, BundleException {
        Manifest manifest = manifest(bytes);
        String symbolicName = manifest == null ? null : manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
        if (symbolicName == null) {
            errors.add("bundles/" + fileName + " is not an OSGi bundle (no Bundle-SymbolicName)");
            return null;
        }
        String location = LOCATION_PREFIX + symbolicName.split(";", 2)[0].strip();
        Bundle bundle = installed.remove(location);
        byte[] stored = UncompressedJar.of(bytes);
        if (bundle == null) {
            bundle = framework.getBundleContext().installBundle(location, new ByteArrayInputStream(stored));
        } else {
            bundle.update(new ByteArrayInputStream(stored));
        }
        changed.add(bundle);
        return bundle;
    }

    private void refresh(List<Bundle> changed) throws ContainerException {
        CountDownLatch done = new CountDownLatch(1);
        framework.adapt(FrameworkWiring.class).refreshBundles(changed, event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        try {
            if (!done.await(REFRESH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new ContainerException(List.of("refreshing the updated bundles took longer than " + REFRESH_TIMEOUT_SECONDS + " s"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContainerException(List.of("interrupted while refreshing bundles"));
        }
    }

    /**
     * Resolves the plan's bundles, then starts the non-fragments among them; any failure is
     * collected, so all problems show at once. Bundles the plan skips stay installed, unresolved.
     */
    private void startAll(Map<Bundle, Boolean> ours, StartPlan plan) throws ContainerException {
        Map<Bundle, Boolean> planned = new LinkedHashMap<>();
        Set<String> skipped = new TreeSet<>();
        ours.forEach((bundle, fragment) -> {
            if (plan.step(bundle.getSymbolicName()) != StartPlan.Step.SKIP) {
                planned.put(bundle, fragment);
            } else {
                skipped.add(bundle.getSymbolicName());
            }
        });
        framework.adapt(FrameworkWiring.class).resolveBundles(planned.keySet());
        timeline.mark("bundles resolved (" + planned.size() + " of " + ours.size() + "; not needed: " + String.join(", ", skipped) + ")");
        List<String> errors = new ArrayList<>();
        List<Bundle> last = new ArrayList<>();
        for (Map.Entry<Bundle, Boolean> entry : planned.entrySet()) {
            Bundle bundle = entry.getKey();
            String symbolicName = bundle.getSymbolicName();
            if (entry.getValue()) {
                if (bundle.getState() != Bundle.RESOLVED) {
                    errors.add(describe(bundle) + " did not attach to its host (Fragment-Host: "
                            + bundle.getHeaders().get(Constants.FRAGMENT_HOST) + "): " + missingRequirements(bundle));
                }
            } else if (plan.step(symbolicName) == StartPlan.Step.RESOLVE) {
                if (bundle.getState() == Bundle.INSTALLED) {
                    // not started in this mode (starting it would run it), but it must resolve
                    errors.add(describe(bundle) + " did not resolve: " + missingRequirements(bundle));
                }
            } else if (plan.startsLast(symbolicName)) {
                last.add(bundle);
            } else {
                start(bundle, errors);
            }
        }
        for (Bundle bundle : last) {
            start(bundle, errors);
        }
        if (!errors.isEmpty()) {
            throw new ContainerException(errors);
        }
    }

    private void start(Bundle bundle, List<String> errors) {
        long started = System.nanoTime();
        try {
            bundle.start(Bundle.START_TRANSIENT);
            if (System.nanoTime() - started > SLOW_START_NANOS) {
                timeline.mark("started " + bundle.getSymbolicName());
            }
        } catch (BundleException | IllegalStateException e) {
            // Felix's message names the unresolved requirement, or the activator's failure
            errors.add(describe(bundle) + ": " + e.getMessage()
                    + (e.getCause() != null && e.getCause() != e ? " (" + e.getCause() + ")" : ""));
        }
    }

    /**
     * Runs a command service of the CLI bundle: a {@code Function<String[], Integer>} registered with
     * {@code mailer.launcher.command=NAME}. Only JDK types cross the framework boundary.
     *
     * @return the exit code, or null if no such service appeared within the timeout
     */
    @SuppressWarnings("unchecked")
    Integer runCommand(String name, String[] args, long timeoutMs) throws InterruptedException {
        String filter = "(&(" + Constants.OBJECTCLASS + "=" + Function.class.getName() + ")(mailer.launcher.command=" + name + "))";
        ServiceTracker<Object, Object> tracker;
        try {
            tracker = new ServiceTracker<>(framework.getBundleContext(), framework.getBundleContext().createFilter(filter), null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("command name " + name, e);
        }
        tracker.open(true);
        try {
            Object command = tracker.waitForService(timeoutMs);
            timeline.mark("command " + name + " registered");
            if (command == null) {
                return null;
            }
            Integer exit = ((Function<String[], Integer>) command).apply(args);
            timeline.mark("command " + name + " done");
            return exit;
        } finally {
            tracker.close();
        }
    }

    /** Blocks until the framework stops (Gogo's {@code stop 0}, or {@link #stop()} from a shutdown hook). */
    void waitForStop() throws InterruptedException {
        framework.waitForStop(0);
    }

    /** Stops the framework and waits for it; safe to call more than once and from a shutdown hook. */
    void stop() {
        try {
            if ((framework.getState() & (Bundle.STARTING | Bundle.ACTIVE)) != 0) {
                framework.stop();
            }
            framework.waitForStop(STOP_TIMEOUT_MS);
        } catch (BundleException e) {
            System.err.println("mailer: the framework did not stop cleanly: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The requirements nothing installed provides, or a hint when each one alone could be met. */
    private String missingRequirements(Bundle bundle) {
        FrameworkWiring wiring = framework.adapt(FrameworkWiring.class);
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        List<String> missing = new ArrayList<>();
        for (Requirement requirement : revision.getRequirements(null)) {
            Map<String, String> directives = requirement.getDirectives();
            String effective = directives.getOrDefault(Namespace.REQUIREMENT_EFFECTIVE_DIRECTIVE, Namespace.EFFECTIVE_RESOLVE);
            if (Namespace.RESOLUTION_OPTIONAL.equals(directives.get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE))
                    || !Namespace.EFFECTIVE_RESOLVE.equals(effective)) {
                continue;
            }
            if (wiring.findProviders(requirement).isEmpty()) {
                missing.add("missing " + requirement.getNamespace() + " " + directives.get(Namespace.REQUIREMENT_FILTER_DIRECTIVE));
            }
        }
        return missing.isEmpty() ? "every requirement has a provider; a uses-constraint conflict? (see the [felix] messages)"
                : String.join(", ", missing);
    }

    private static String describe(Bundle bundle) {
        return bundle.getSymbolicName() + " " + bundle.getVersion() + " [" + bundle.getBundleId() + "]";
    }

    private static Manifest manifest(byte[] jar) throws IOException {
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            return in.getManifest();
        }
    }

    /** A step that may fail with an I/O error. */
    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws IOException;
    }

    /** Bundles failed to install, resolve or start: every reason, one per entry. */
    static final class ContainerException extends Exception {
        private static final long serialVersionUID = 1L;

        private final List<String> problems;

        ContainerException(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        List<String> getProblems() {
            return problems;
        }
    }
}
