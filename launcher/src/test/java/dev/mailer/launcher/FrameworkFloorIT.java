package dev.mailer.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The floor that launcher/cold-start.sh measures beside the launchers runs from target/mailer.jar as
 * the script runs it (so the script cannot rot while nobody measures).
 */
class FrameworkFloorIT {

    private static final long PROCESS_TIMEOUT_SECONDS = 120;

    @TempDir
    Path workDir;

    @Test
    void theFloorStartsAndStopsDeclarativeServicesAndConfigAdminFromTheLauncherJarAndAgainFromItsArchive() throws Exception {
        Path floorJar = floorJar();
        Path folder = workDir.resolve("floor");

        String first = runFloor(floorJar, folder);
        assertTrue(first.contains("floor: started and stopped org.apache.felix.configadmin.jar, org.apache.felix.scr.jar"), first);
        assertTrue(Files.isRegularFile(folder.resolve("floor.jsa")), "the first run wrote the class-data archive");

        String second = runFloor(floorJar, folder);
        assertTrue(second.contains("floor: started and stopped"), second);
    }

    /** FrameworkFloor in a jar of its own, as cold-start.sh packs it. */
    private Path floorJar() throws IOException {
        Path jar = workDir.resolve("floor.jar");
        String entry = FrameworkFloor.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(entry));
            try (var in = FrameworkFloor.class.getClassLoader().getResourceAsStream(entry)) {
                in.transferTo(out);
            }
            out.closeEntry();
        }
        return jar;
    }

    private String runFloor(Path floorJar, Path folder) throws IOException, InterruptedException {
        Path output = Files.createTempFile(workDir, "floor-", ".txt");
        Process process = new ProcessBuilder(List.of(LauncherIT.javaExecutable(), "-cp",
                LauncherIT.mailerJar() + File.pathSeparator + floorJar, FrameworkFloor.class.getName(), folder.toString()))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        process.getOutputStream().close();
        boolean ended = process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        String text = Files.readString(output);
        assertTrue(ended, "still running after " + PROCESS_TIMEOUT_SECONDS + " s: " + text);
        assertEquals(0, process.exitValue(), text);
        return text;
    }
}
