package dev.mailer.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code launcher/target/mailer.jar} as a child process, the way a user runs it: {@code java
 * -jar mailer.jar ARGS} with the JDK of this test JVM, in a given working folder, with an
 * environment that holds only what the test passes (plus PATH, HOME and the locale: nothing of
 * the build's {@code SMTP_*}, {@code OAUTH_*}, {@code MAILER_*}, {@code JAVA_TOOL_OPTIONS}, ...),
 * stdin closed, stdout and stderr captured to files. Outside Felix only.
 */
public final class LauncherProcess {

    /** The system property (set by failsafe) with the path of the launcher jar. */
    public static final String JAR_PROPERTY = "mailer.it.launcher.jar";

    /** What the child may inherit from the test JVM's environment: nothing that configures it. */
    private static final Set<String> INHERITED = Set.of("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ");

    private LauncherProcess() {
    }

    /** The launcher jar; fails with what to do when it is not there. */
    public static Path jar() {
        String value = System.getProperty(JAR_PROPERTY);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + JAR_PROPERTY + " is not set: run the tests with Maven"
                    + " (mvn verify -pl it.tests), whose failsafe configuration sets it");
        }
        Path jar = Path.of(value).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The launcher jar " + jar + " is missing: build it first with"
                    + " `mvn -B -pl launcher package -DskipTests` (a reactor `mvn verify` builds it before it.tests)");
        }
        return jar;
    }

    /**
     * Runs the jar with {@code args} in {@code workDir} and waits for it to end; kills it (and
     * fails) when it runs longer than {@code deadline}.
     *
     * @param env       the child's whole configuration
     * @param outputDir where stdout/stderr are written (not the working folder, so that stays the launcher's)
     */
    public static Result run(Path workDir, Map<String, String> env, Path outputDir, Duration deadline, String... args)
            throws IOException, InterruptedException {
        return start(workDir, env, outputDir, args).await(deadline);
    }

    /**
     * Starts the jar with {@code args} in {@code workDir} and returns at once, for commands the
     * test talks to while they run ({@code authorize}): read what it printed so far with
     * {@link Running#awaitStdout}, then {@link Running#await} its end.
     */
    public static Running start(Path workDir, Map<String, String> env, Path outputDir, String... args) throws IOException {
        return start(workDir, env, outputDir, null, args);
    }

    /**
     * As {@link #start(Path, Map, Path, String...)}, with {@code stdin} as the child's standard input
     * (e.g. commands for the shell); null: closed at once.
     */
    public static Running start(Path workDir, Map<String, String> env, Path outputDir, Path stdin, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().keySet().retainAll(INHERITED);
        builder.environment().putAll(env);
        Files.createDirectories(outputDir);
        Path out = Files.createTempFile(outputDir, "stdout-", ".txt");
        Path err = Files.createTempFile(outputDir, "stderr-", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(stdin == null ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.from(stdin.toFile()));
        Process process = builder.start();
        process.getOutputStream().close();
        return new Running(process, out, err, command);
    }

    /** A launcher that was started and has not been awaited yet. */
    public static final class Running {
        private final Process process;
        private final Path out;
        private final Path err;
        private final List<String> command;
        private final long started = System.nanoTime();

        Running(Process process, Path out, Path err, List<String> command) {
            this.process = process;
            this.out = out;
            this.err = err;
            this.command = command;
        }

        /**
         * Waits until the child's stdout has a line matching {@code pattern} and returns the match.
         *
         * @throws AssertionError when the child ends or the deadline passes first (with its output)
         */
        public java.util.regex.Matcher awaitStdout(java.util.regex.Pattern pattern, Duration deadline)
                throws IOException, InterruptedException {
            return awaitLine(out, "stdout", pattern, deadline);
        }

        /** As {@link #awaitStdout}, on stderr (where {@code serve} logs). */
        public java.util.regex.Matcher awaitStderr(java.util.regex.Pattern pattern, Duration deadline)
                throws IOException, InterruptedException {
            return awaitLine(err, "stderr", pattern, deadline);
        }

        private java.util.regex.Matcher awaitLine(Path file, String name, java.util.regex.Pattern pattern, Duration deadline)
                throws IOException, InterruptedException {
            long end = System.nanoTime() + deadline.toNanos();
            while (true) {
                for (String line : read(file).split("\\R")) {
                    java.util.regex.Matcher match = pattern.matcher(line);
                    if (match.find()) {
                        return match;
                    }
                }
                if (!process.isAlive() || System.nanoTime() > end) {
                    throw new AssertionError("No line matching " + pattern + " on " + name + (process.isAlive() ? " within "
                            + deadline.toSeconds() + " s" : ": the launcher ended with " + process.exitValue()) + "; stdout: "
                            + read(out) + "; stderr: " + read(err));
                }
                // the child writes to a file: look again shortly (bounded by the deadline above)
                process.waitFor(100, TimeUnit.MILLISECONDS);
            }
        }

        /** Sends SIGTERM (what Ctrl-C, systemd or docker stop send) and waits for the end, as {@link #await}. */
        public Result terminate(Duration deadline) throws IOException, InterruptedException {
            process.destroy();
            return await(deadline);
        }

        /** Sends SIGKILL: the child gets no chance to clean up; returns once it is gone. */
        public Result kill(Duration deadline) throws IOException, InterruptedException {
            process.destroyForcibly();
            return await(deadline);
        }

        /** Whether the child still runs. */
        public boolean isAlive() {
            return process.isAlive();
        }

        /** Waits for the end; kills the child (and fails) when it runs past {@code deadline}. */
        public Result await(Duration deadline) throws IOException, InterruptedException {
            boolean ended = false;
            try {
                ended = process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                if (!ended) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            Result result = new Result(ended ? process.exitValue() : -1, read(out), read(err), took, command);
            if (!ended) {
                throw new AssertionError("The launcher was still running after " + deadline.toSeconds() + " s and was killed; " + result);
            }
            return result;
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /** The JDK running this test (the build's): the same {@code java} a user of this build would run. */
    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** How a run ended. */
    public static final class Result {
        private final int exit;
        private final String stdout;
        private final String stderr;
        private final Duration took;
        private final List<String> command;

        Result(int exit, String stdout, String stderr, Duration took, List<String> command) {
            this.exit = exit;
            this.stdout = stdout;
            this.stderr = stderr;
            this.took = took;
            this.command = List.copyOf(command);
        }

        /** The exit code; -1 when it had to be killed. */
        public int exit() {
            return exit;
        }

        public String stdout() {
            return stdout;
        }

        public String stderr() {
            return stderr;
        }

        public Duration took() {
            return took;
        }

        /**
         * For failure messages: exit code, duration, the command and both outputs. The tests check
         * separately that the outputs hold no secret before they put a result into a message.
         */
        @Override
        public String toString() {
            return "exit " + exit + " after " + took.toMillis() + " ms of " + String.join(" ", command)
                    + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr + "---";
        }
    }
}
