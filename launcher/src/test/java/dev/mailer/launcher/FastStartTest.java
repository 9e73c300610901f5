package dev.mailer.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FastStartTest {

    private static final Path DATA = Path.of("/data");
    private static final Path JAR = Path.of("/opt/mailer.jar");

    @Test
    void oneShotCommandsRunInASecondJvmUnlessSwitchedOff() {
        assertTrue(FastStart.applies(new String[] {"send", "--to", "a@example.com"}, Map.of()));
        assertTrue(FastStart.applies(new String[] {"check"}, Map.of(FastStart.ENV, "true")));
        assertFalse(FastStart.applies(new String[] {"send"}, Map.of(FastStart.ENV, "false")));
        assertFalse(FastStart.applies(new String[] {"send"}, Map.of(FastStart.ENV, " FALSE ")));
    }

    @Test
    void serveTheShellAndHelpRunInTheFirstJvm() {
        assertFalse(FastStart.applies(new String[] {"serve"}, Map.of()), "serve gets the signals itself");
        assertFalse(FastStart.applies(new String[0], Map.of()), "the shell");
        assertFalse(FastStart.applies(new String[] {"--help"}, Map.of()));
        assertFalse(FastStart.applies(new String[] {"help"}, Map.of()));
    }

    @Test
    void theFirstRunWritesTheArchiveAndLaterRunsUseItWithTheUsersOptionsLast() {
        Path archive = DATA.resolve("cds/a.jsa");
        Path dump = DATA.resolve("cds/a.jsa.42.tmp");
        List<String> first = FastStart.jvmOptions(archive, false, dump, List.of("-Xmx64m"));
        assertTrue(first.contains("-XX:ArchiveClassesAtExit=" + dump), first.toString());
        assertFalse(first.stream().anyMatch(o -> o.startsWith("-XX:SharedArchiveFile")), first.toString());
        assertTrue(first.contains("-XX:TieredStopAtLevel=1"), first.toString());
        assertTrue(first.contains("-XX:CICompilerCount=1"), first.toString());
        assertEquals("-Xmx64m", first.get(first.size() - 1), "the user's options win");

        List<String> later = FastStart.jvmOptions(archive, true, dump, List.of());
        assertTrue(later.contains("-XX:SharedArchiveFile=" + archive), later.toString());
        assertFalse(later.stream().anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit")), later.toString());
    }

    @Test
    void theArchiveIsPerJdkAndPerLauncherJarUnderTheDataFolder() {
        Path archive = FastStart.archive(DATA, "17.0.15", "/usr/lib/jvm/17", JAR, 1000, 5);
        assertEquals(DATA.resolve("cds"), archive.getParent());
        assertTrue(archive.getFileName().toString().matches("jdk-17\\.0\\.15-[0-9a-f]+\\.jsa"), archive.toString());
        assertEquals(archive, FastStart.archive(DATA, "17.0.15", "/usr/lib/jvm/17", JAR, 1000, 5), "stable");
        assertNotEquals(archive, FastStart.archive(DATA, "17.0.15", "/usr/lib/jvm/17", JAR, 1001, 5), "a new build");
        assertNotEquals(archive, FastStart.archive(DATA, "17.0.15", "/usr/lib/jvm/17", JAR, 1000, 6), "a new build");
        assertNotEquals(archive, FastStart.archive(DATA, "17.0.15", "/opt/other-17", JAR, 1000, 5), "another JDK");
        assertNotEquals(archive, FastStart.archive(DATA, "25", "/usr/lib/jvm/17", JAR, 1000, 5), "another JDK");
    }

    @Test
    void aDumpLeftByAKilledRunIsRemovedAndOneBeingWrittenIsKept(@TempDir Path dir) throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Path abandoned = Files.writeString(dir.resolve("jdk-17-1.jsa." + ended.pid() + ".tmp"), "half");
        Path writing = Files.writeString(dir.resolve("jdk-17-1.jsa." + ProcessHandle.current().pid() + ".tmp"), "half");
        Path archive = Files.writeString(dir.resolve("jdk-17-1.jsa"), "whole");

        FastStart.removeAbandonedDumps(dir);

        assertFalse(Files.exists(abandoned));
        assertTrue(Files.exists(writing), "its run is alive");
        assertTrue(Files.exists(archive));
    }
}
