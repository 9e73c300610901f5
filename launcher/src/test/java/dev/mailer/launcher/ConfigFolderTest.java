package dev.mailer.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFolderTest {

    @TempDir
    Path dir;

    @Test
    void theFolderEndsWithExactlyTheGivenFilesOwnerOnlyAndNothingWrittenAsideIsLeft() throws IOException {
        Path config = dir.resolve("config");
        ConfigFolder.replaceFiles(config, Map.of("a.cfg.json", bytes("{\"a\":1}"), "b.cfg.json", bytes("{\"b\":1}")));
        ConfigFolder.replaceFiles(config, Map.of("a.cfg.json", bytes("{\"a\":2}"), "c.cfg.json", bytes("{\"c\":1}")));

        assertEquals(List.of("a.cfg.json", "c.cfg.json"), names(config));
        assertEquals("{\"a\":2}", Files.readString(config.resolve("a.cfg.json")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config.resolve("c.cfg.json"))));
        assertFalse(names(config).stream().anyMatch(name -> name.endsWith(".tmp")));
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
