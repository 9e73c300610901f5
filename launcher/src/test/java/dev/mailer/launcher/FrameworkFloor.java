package dev.mailer.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The floor under the launcher's cold start, measured by {@code launcher/cold-start.sh} beside the old
 * and the new launcher: what a one-shot command costs before it does any of its own work. Two JVMs
 * started as {@link FastStart} starts them (the second with its options and a class-data archive of
 * its own), Felix opening its storage with the launcher's framework properties, and only Declarative
 * Services and ConfigurationAdmin (with the OSGi API bundles they need) resolved, started and
 * stopped through {@link Container}: no configuration, no mailer bundle, no mail. Every OSGi mailer
 * built on DS and ConfigAdmin pays at least this. Not shipped: it lives in the test sources.
 *
 * <pre>java -cp mailer.jar:floor.jar dev.mailer.launcher.FrameworkFloor FOLDER</pre>
 *
 * <p>FOLDER holds its storage and archive; the first run installs the bundles and writes the archive.
 * It exits 0 when every one of them started, else with the launcher's reason.
 */
public final class FrameworkFloor {

    /** The embedded bundles a framework with DS and ConfigAdmin needs, by file name in the jar's {@code bundles/}. */
    static final Set<String> BUNDLES = Set.of("org.apache.felix.scr.jar", "org.apache.felix.configadmin.jar",
            "org.osgi.service.component.jar", "org.osgi.util.function.jar", "org.osgi.util.promise.jar");

    private FrameworkFloor() {
    }

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]).toAbsolutePath();
        Files.createDirectories(folder);
        System.exit(System.getProperty(FastStart.CHILD_PROPERTY) == null ? relaunch(folder) : startAndStop(folder));
    }

    /** The first JVM: starts the second with the fast start's options, as the launcher does, and waits for it. */
    private static int relaunch(Path folder) throws Exception {
        Path archive = folder.resolve("floor.jsa");
        // runs of the floor never overlap, so the archive is written in place
        List<String> command = FastStart.childJvm(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                FastStart.jvmOptions(archive, Files.isRegularFile(archive), archive, List.of()), Timeline.of(System.getenv()));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(FrameworkFloor.class.getName());
        command.add(folder.toString());
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }

    /** The second JVM: the framework with DS and ConfigAdmin started (all of them, or it throws) and stopped. */
    private static int startAndStop(Path folder) throws Exception {
        Map<String, String> bundles = new TreeMap<>(JarResources.fingerprints(Main.BUNDLES));
        bundles.keySet().retainAll(BUNDLES);
        if (!bundles.keySet().equals(BUNDLES)) {
            System.err.println("floor: the launcher has not all of " + BUNDLES + ", only " + bundles.keySet());
            return 1;
        }
        Map<String, Object> properties = new Main(System.getenv(), System.out, System.err).frameworkProperties(folder, folder,
                folder.resolve("config"));
        Timeline timeline = Timeline.of(System.getenv());
        Container container = Container.start(properties, bundles, name -> JarResources.read(Main.BUNDLES, name),
                folder.resolve("launcher-bundles.properties"), folder.resolve("felix-cache.lock"), () -> { },
                StartPlan.forCommand("send"), timeline);
        container.stop();
        timeline.mark("framework stopped");
        timeline.print(System.err);
        System.out.println("floor: started and stopped " + String.join(", ", bundles.keySet()));
        return 0;
    }
}
