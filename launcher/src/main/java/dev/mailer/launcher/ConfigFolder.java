package dev.mailer.launcher;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;

/** The folder of .cfg.json files that FileInstall watches, when the launcher writes it. */
final class ConfigFolder {

    private ConfigFolder() {
    }

    /** Makes the .cfg.json files of a folder exactly {@code files}; unchanged files are not touched. */
    static void replaceFiles(Path configDir, Map<String, byte[]> files) throws IOException {
        Files.createDirectories(configDir);
        try (DirectoryStream<Path> existing = Files.newDirectoryStream(configDir, "*.cfg.json")) {
            for (Path file : existing) {
                if (!files.containsKey(file.getFileName().toString())) {
                    Files.delete(file);
                }
            }
        }
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path target = configDir.resolve(file.getKey());
            if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), file.getValue())) {
                continue;
            }
            // written aside and moved, so FileInstall never reads half a file (its filter skips the .tmp); a
            // fixed name, as the folder is this run's alone (RunDirectory): Files.createTempFile would seed a
            // SecureRandom for its random names, about 10 ms of every start
            Path temp = configDir.resolve("." + file.getKey() + ".tmp");
            Files.deleteIfExists(temp);
            OwnerOnlyFiles.create(temp);
            Files.write(temp, file.getValue());
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
