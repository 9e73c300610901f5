package dev.mailer.launcher;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a one-shot command ({@code send}, {@code check}, ...) in a second JVM started with the
 * options that make a short run fast, which a {@code java -jar} user cannot put into the jar:
 * class-data sharing of the launcher's and the bundles' classes (an archive under the data folder,
 * made by the first run, used by every later one) and the client compiler only
 * ({@code -XX:TieredStopAtLevel=1}: a run of a second has no use for C2, whose compile threads
 * compete with the run for the cores) in one compiler thread, and the serial collector. The archive
 * saves loading, parsing and verifying some thousand classes in every run; it costs a second JVM
 * start (about 50 to 100 ms) and, in the first run, writing the archive at its end.
 *
 * <p>The archive is written to a file of its own and renamed into place once that JVM ended, so two
 * runs at once never read a half-written archive. Its name holds the JDK and the launcher jar, so a
 * new build or another JDK makes a new one (and the old one of that JDK is removed).
 *
 * <p>{@value #ENV}{@code =false} runs every command in the first JVM, as {@code serve} and the shell
 * always do (they run long, and must get the signals themselves).
 */
final class FastStart {

    static final String ENV = "MAILER_FAST_START";
    /** Set on the second JVM: it runs the command itself. */
    static final String CHILD_PROPERTY = "mailer.fast-start.child";

    private static final String ARCHIVES = "cds";
    /** The second JVM's exit when the first one was killed: as after SIGTERM. */
    private static final int FIRST_JVM_GONE = 143;

    private FastStart() {
    }

    /** Whether {@code args} run in a second JVM: a one-shot command, unless switched off. */
    static boolean applies(String[] args, Map<String, String> env) {
        if (System.getProperty(CHILD_PROPERTY) != null || "false".equalsIgnoreCase(env.getOrDefault(ENV, "").strip())) {
            return false;
        }
        if (args.length == 0) {
            return false; // the shell
        }
        String command = args[0];
        return !command.equals(Main.SERVE) && !command.startsWith("-") && !command.equals("help");
    }

    /**
     * The second JVM's options: class-data sharing from {@code archive} when it exists, otherwise
     * writing it into {@code dump} at the end; then the client compiler in one thread and the serial collector.
     * The user's own options ({@code userOptions}) come last, so they win.
     */
    static List<String> jvmOptions(Path archive, boolean archiveExists, Path dump, List<String> userOptions) {
        List<String> options = new ArrayList<>();
        options.add(archiveExists ? "-XX:SharedArchiveFile=" + archive : "-XX:ArchiveClassesAtExit=" + dump);
        // CDS explains on stdout why a class was not archived or an archive not used: neither is the user's business
        options.add("-Xlog:disable");
        options.add("-Xlog:all=error:stderr");
        options.add("-XX:TieredStopAtLevel=1");
        // one compiler thread: with two (the default on two cores) they take the cores from the run's own
        // thread, which does nearly all of the work; about 10 % less wall time in cold-start.sh's runs
        options.add("-XX:CICompilerCount=1");
        options.add("-XX:+UseSerialGC");
        options.addAll(userOptions);
        return options;
    }

    /**
     * The archive for this JDK and this launcher jar: {@code cds/jdk-VERSION-KEY.jsa} in the data
     * folder, KEY from the JDK's folder and the jar's path, size and modification time.
     */
    static Path archive(Path dataDir, String javaVersion, String javaHome, Path jar, long jarSize, long jarModified) {
        String key = Integer.toHexString((javaHome + "|" + jar + "|" + jarSize + "|" + jarModified).hashCode());
        return dataDir.resolve(ARCHIVES).resolve("jdk-" + javaVersion.replaceAll("[^A-Za-z0-9.+_-]", "_") + "-" + key + ".jsa");
    }

    /**
     * Runs {@code args} in the second JVM and returns its exit code; empty when this JVM must run
     * them itself (not started with {@code -jar}, or the user chose class-data sharing options).
     */
    static Optional<Integer> run(String[] args, Path dataDir, Timeline timeline) throws IOException, InterruptedException {
        ProcessHandle.Info self = ProcessHandle.current().info();
        Optional<String[]> arguments = self.arguments();
        Path jar = jar();
        if (arguments.isEmpty() || jar == null) {
            return Optional.empty();
        }
        List<String> all = Arrays.asList(arguments.get());
        int jarOption = all.indexOf("-jar");
        if (jarOption < 0) {
            return Optional.empty();
        }
        List<String> userOptions = all.subList(0, jarOption);
        if (userOptions.stream().anyMatch(o -> o.startsWith("-Xshare") || o.contains("SharedArchiveFile") || o.contains("ArchiveClassesAtExit"))) {
            return Optional.empty();
        }
        Path archive = archive(dataDir, System.getProperty("java.version"), System.getProperty("java.home"), jar, Files.size(jar),
                Files.getLastModifiedTime(jar).toMillis());
        Files.createDirectories(archive.getParent());
        removeAbandonedDumps(archive.getParent());
        boolean exists = Files.isRegularFile(archive);
        Path dump = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");

        List<String> command = childJvm(self.command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()),
                jvmOptions(archive, exists, dump, userOptions), timeline);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(Arrays.asList(args));
        Process child = new ProcessBuilder(command).inheritIO().start();
        // SIGTERM to this JVM (systemd, docker stop, a parent process) reaches the second one too; Ctrl-C reaches both anyway
        Thread forward = new Thread(() -> {
            child.destroy();
            try {
                child.waitFor(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "mailer-fast-start-stop");
        Runtime.getRuntime().addShutdownHook(forward);
        int exit = child.waitFor();
        try {
            Runtime.getRuntime().removeShutdownHook(forward);
        } catch (IllegalStateException e) {
            // shutting down: the hook waits for the child, which has ended
        }
        if (!exists && Files.isRegularFile(dump)) {
            keep(dump, archive);
        } else {
            Files.deleteIfExists(dump);
        }
        return Optional.of(exit);
    }

    /**
     * The second JVM's command up to what it runs ({@code -jar ...} or {@code -cp ... MainClass}): {@code java}, the
     * options, the mark that it is the second, and where the first one's timeline began.
     */
    static List<String> childJvm(String java, List<String> options, Timeline timeline) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(options);
        command.add("-D" + CHILD_PROPERTY + "=true");
        if (timeline.isOn()) {
            command.add("-D" + Timeline.ORIGIN_PROPERTY + "=" + timeline.origin());
            command.add("-D" + Timeline.RELAUNCH_PROPERTY + "=" + System.currentTimeMillis());
        }
        return command;
    }

    /** In the second JVM: ends it when the first one is gone (killed), as the user meant the command to end. */
    static void endWithTheFirstJvm() {
        if (System.getProperty(CHILD_PROPERTY) == null) {
            return;
        }
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(FIRST_JVM_GONE)));
    }

    /** Moves the new archive into place and removes the older ones of the same JDK. */
    private static void keep(Path dump, Path archive) throws IOException {
        Files.move(dump, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        String name = archive.getFileName().toString();
        String sameJdk = name.substring(0, name.lastIndexOf('-') + 1);
        try (DirectoryStream<Path> archives = Files.newDirectoryStream(archive.getParent(), sameJdk + "*.jsa")) {
            for (Path old : archives) {
                if (!old.equals(archive)) {
                    Files.deleteIfExists(old);
                }
            }
        }
    }

    /** Removes the archives being written by runs that were killed before they could rename theirs ({@code NAME.PID.tmp}). */
    static void removeAbandonedDumps(Path dir) throws IOException {
        try (DirectoryStream<Path> dumps = Files.newDirectoryStream(dir, "*.jsa.*.tmp")) {
            for (Path dump : dumps) {
                String[] parts = dump.getFileName().toString().split("\\.");
                String pid = parts[parts.length - 2];
                if (pid.isEmpty() || !pid.chars().allMatch(Character::isDigit)
                        || !ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false)) {
                    Files.deleteIfExists(dump);
                }
            }
        }
    }

    /** The launcher jar this runs from; null when it runs from a classes folder. */
    private static Path jar() {
        try {
            Path location = Path.of(FastStart.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(location) ? location : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
