package dev.mailer.launcher;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files of one launcher run: the configuration files FileInstall watches and ConfigAdmin's
 * store, both rebuilt on every start, in {@code runs/<pid>} under the data folder. Several
 * launchers on one data folder ({@code send --queue} or {@code queue} next to a running
 * {@code serve}) share the bundle data areas (the outbox, the stored refresh token), which are
 * made for that, but never each other's configuration: a second run rewriting the files, or
 * starting a development inbox on another port, must not reconfigure the first.
 */
final class RunDirectory {

    private static final String RUNS = "runs";

    private RunDirectory() {
    }

    /** A new, empty folder for this process; the folders of runs that ended without removing theirs are removed first. */
    static Path create(Path dataDir) throws IOException {
        Path runs = dataDir.resolve(RUNS);
        Files.createDirectories(runs);
        removeEnded(runs);
        Path dir = runs.resolve(Long.toString(ProcessHandle.current().pid()));
        deleteTree(dir);
        Files.createDirectories(dir);
        return dir;
    }

    /** Removes the folders of runs whose process is gone (killed, or stopped before it removed its own). */
    static void removeEnded(Path runs) throws IOException {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(runs)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (name.matches("[0-9]{1,19}") && !alive(Long.parseLong(name))) {
                    deleteTree(dir);
                }
            }
        }
    }

    /** The process ids of the other runs on this data folder that are alive now. */
    static List<Long> others(Path dataDir) throws IOException {
        List<Long> pids = new ArrayList<>();
        Path runs = dataDir.resolve(RUNS);
        if (!Files.isDirectory(runs)) {
            return pids;
        }
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(runs)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (name.matches("[0-9]{1,19}") && Long.parseLong(name) != self && alive(Long.parseLong(name))) {
                    pids.add(Long.parseLong(name));
                }
            }
        }
        return pids;
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Deletes {@code dir} and everything in it; nothing when it does not exist. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) walk.sorted((a, b) -> b.getNameCount() - a.getNameCount())::iterator) {
                Files.delete(path);
            }
        }
    }
}
