package dev.mailer.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {

    @TempDir
    Path data;

    @Test
    void eachRunGetsAnEmptyFolderOfItsOwnAndAnotherLiveRunsFolderIsLeftAlone() throws Exception {
        // a process that runs as long as this test does, standing for a serve on the same data folder
        long livePid = ProcessHandle.current().parent().map(ProcessHandle::pid).orElseThrow();
        Path otherRun = Files.createDirectories(data.resolve("runs").resolve(Long.toString(livePid)));
        Files.writeString(otherRun.resolve("keep.cfg.json"), "{}");
        Path mine = data.resolve("runs").resolve(Long.toString(ProcessHandle.current().pid()));
        Files.createDirectories(mine.resolve("configadmin"));

        assertEquals(mine, RunDirectory.create(data));

        try (var files = Files.list(mine)) {
            assertEquals(0, files.count(), "empty");
        }
        assertTrue(Files.exists(otherRun.resolve("keep.cfg.json")), "a running launcher's files are not touched");
    }

    @Test
    void theFolderOfARunThatEndedWithoutRemovingItIsRemoved() throws Exception {
        Process ended = new ProcessBuilder(javaBinary(), "-version").redirectErrorStream(true).start();
        ended.getInputStream().readAllBytes();
        assertTrue(ended.waitFor(30, TimeUnit.SECONDS), "the child ended");
        Path leftOver = Files.createDirectories(data.resolve("runs").resolve(Long.toString(ended.pid())).resolve("configadmin"));

        RunDirectory.create(data);

        assertFalse(Files.exists(leftOver.getParent()), "removed: " + leftOver.getParent());
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
