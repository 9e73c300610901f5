package dev.mailer.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import dev.mailer.it.support.ChildProcesses;
import dev.mailer.it.support.LauncherProcess;

/**
 * The launcher's cold start, run as a user runs it ({@code java -jar mailer.jar send ...} to the
 * development inbox): the first send writes the class-data sharing archive and installs the
 * bundles into the framework storage; the second reuses both and still delivers; two launchers
 * started at once on a fresh data folder both deliver (the storage lock); with
 * {@code MAILER_FAST_START=false} everything runs in one JVM and no archive is made. The timeline
 * ({@code MAILER_TIMELINE=1}) says how many bundles a run installed. Nothing here asserts on time.
 */
public class LauncherColdStartIT {

    private static final Duration RUN_DEADLINE = Duration.ofSeconds(120);

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private Path workDir;
    private Path dataDir;
    private Path secretsDir;
    @Rule
    public final ChildProcesses children = new ChildProcesses();

    @BeforeClass
    public static void launcherJarIsBuilt() {
        LauncherProcess.jar();
    }

    @Before
    public void folders() throws IOException {
        Path base = temp.getRoot().toPath();
        workDir = Files.createDirectory(base.resolve("cwd"));
        dataDir = base.resolve("mailer-data");
        secretsDir = base.resolve("secrets");
    }

    @Test
    public void theSecondSendReusesTheArchiveAndTheInstalledBundlesAndStillDelivers() throws Exception {
        LauncherProcess.Result first = send("first", Map.of());
        assertEquals("exit 0: " + first, 0, first.exit());
        assertTrue("the first run installs the bundles: " + first, first.stderr().matches(
                "(?s).*bundles synced with the storage \\([1-9][0-9]* installed or updated\\).*"));
        List<Path> archives = archives();
        assertEquals("one archive, written by the first run: " + first, 1, archives.size());
        FileTime written = Files.getLastModifiedTime(archives.get(0));

        LauncherProcess.Result second = send("second", Map.of());
        assertEquals("exit 0: " + second, 0, second.exit());
        assertTrue("the second installs nothing: " + second,
                second.stderr().contains("bundles synced with the storage (0 installed or updated)"));
        assertTrue("ran in the second JVM: " + second, second.stderr().contains("second JVM started, main"));
        assertTrue("a send starts no shell, metatype or health checks: " + second, second.stderr().contains("not needed: "
                + "dev.mailer.mailer-broker, dev.mailer.mailer-health, org.apache.felix.gogo.command, org.apache.felix.gogo.runtime, org.apache.felix.gogo.shell,"
                + " org.apache.felix.metatype)"));
        assertEquals("the same archive, not written again", archives, archives());
        assertEquals(written, Files.getLastModifiedTime(archives.get(0)));
        assertEquals(List.of("first", "second"), subjectsInTheInbox());
    }

    @Test
    public void twoLaunchersStartedAtOnceOnAFreshDataFolderBothDeliver() throws Exception {
        LauncherProcess.Running one = start("one", Map.of());
        LauncherProcess.Running two = start("two", Map.of());
        LauncherProcess.Result first = one.await(RUN_DEADLINE);
        LauncherProcess.Result second = two.await(RUN_DEADLINE);
        assertEquals("exit 0: " + first, 0, first.exit());
        assertEquals("exit 0: " + second, 0, second.exit());
        assertFalse(first.stderr() + second.stderr(), (first.stderr() + second.stderr()).contains("ERROR"));
        assertEquals(List.of("one", "two"), subjectsInTheInbox());
        // and the storage they shared is whole: the next run installs nothing and delivers
        LauncherProcess.Result third = send("three", Map.of());
        assertEquals("exit 0: " + third, 0, third.exit());
        assertTrue(third.toString(), third.stderr().contains("bundles synced with the storage (0 installed or updated)"));
    }

    @Test
    public void withFastStartFalseTheCommandRunsInOneJvmMakesNoArchiveAndDelivers() throws Exception {
        LauncherProcess.Result result = send("in one JVM", Map.of("MAILER_FAST_START", "false"));
        assertEquals("exit 0: " + result, 0, result.exit());
        assertTrue(result.toString(), result.stdout().startsWith("250"));
        assertTrue("one JVM: " + result, result.stderr().contains("JVM started, main"));
        assertFalse("one JVM: " + result, result.stderr().contains("second JVM"));
        assertEquals(List.of(), archives());
        assertEquals(List.of("in one JVM"), subjectsInTheInbox());
    }

    private LauncherProcess.Result send(String subject, Map<String, String> extraEnv) throws IOException, InterruptedException {
        return start(subject, extraEnv).await(RUN_DEADLINE);
    }

    private LauncherProcess.Running start(String subject, Map<String, String> extraEnv) throws IOException {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("MAILER_DATA_DIR", dataDir.toString());
        env.put("MAILER_SECRETS_DIR", secretsDir.toString());
        env.put("MAILER_TIMELINE", "1");
        LauncherProcess.Running running = LauncherProcess.start(workDir, env, temp.getRoot().toPath().resolve("output"), "send",
                "--to", "you@example.com", "--subject", subject, "--text", "x");
        return children.add(running);
    }

    private List<Path> archives() throws IOException {
        Path dir = dataDir.resolve("cds");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jsa")).sorted().collect(Collectors.toList());
        }
    }

    /** The subjects of the .eml files in the development inbox, sorted. */
    private List<String> subjectsInTheInbox() throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("dev-inbox"))) {
            List<String> subjects = new ArrayList<>();
            for (Path eml : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".eml"))::iterator) {
                Files.readAllLines(eml).stream().filter(line -> line.startsWith("Subject: ")).findFirst()
                        .ifPresent(line -> subjects.add(line.substring("Subject: ".length())));
            }
            subjects.sort(null);
            return subjects;
        }
    }
}
