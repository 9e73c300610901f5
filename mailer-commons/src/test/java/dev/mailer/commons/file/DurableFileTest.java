package dev.mailer.commons.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file is replaced whole or not at all, owner-only, its content on disk before the rename and the rename after it. */
class DurableFileTest {

    @TempDir
    Path data;

    private static DurableFile.Content text(String content) {
        return out -> out.write(content.getBytes(StandardCharsets.UTF_8));
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(data)) {
            return files.collect(Collectors.toList());
        }
    }

    @Test
    void theNewContentReplacesTheOldOwnerOnlyAndNoTemporaryFileIsLeft() throws Exception {
        Path file = data.resolve("sub/secret.properties");
        DurableFile durable = new DurableFile(file, DurableFile.Sync.DISK);

        durable.replace(text("first"));
        durable.replace(text("second"));

        assertEquals("second", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.collect(Collectors.toList()));
        }
    }

    @Test
    void theTemporaryFileIsForcedWithItsContentBeforeTheRenameAndTheDirectoryAfterIt() throws Exception {
        Path file = data.resolve("secret.properties");
        Files.writeString(file, "old");
        List<String> forced = new ArrayList<>();
        DurableFile durable = new DurableFile(file, (channel, path) -> {
            channel.force(true);
            // what the file holds at this moment tells whether the rename came before or after
            forced.add((path.equals(data) ? "the directory" : data.relativize(path) + " (" + channel.size() + " bytes)")
                    + " while the file holds " + Files.readString(file));
        });

        durable.replace(text("new"));

        assertEquals(List.of("secret.properties.tmp (3 bytes) while the file holds old",
                "the directory while the file holds new"), forced);
    }

    @Test
    void replacingLeavingTheDirectoryForcesOnlyTheTemporaryFileBeforeTheRename() throws Exception {
        Path file = data.resolve("message.eml");
        List<String> forced = new ArrayList<>();
        DurableFile durable = new DurableFile(file, (channel, path) -> forced.add(data.relativize(path).toString()));

        durable.replaceLeavingDirectory(text("new"));

        assertEquals("new", Files.readString(file));
        assertEquals(List.of("message.eml.tmp"), forced);
    }

    @Test
    void aWriteThatFailsLeavesTheOldContent() throws Exception {
        Path file = data.resolve("secret.properties");
        Files.writeString(file, "old");
        DurableFile durable = new DurableFile(file, DurableFile.Sync.DISK);

        assertThrows(IOException.class, () -> durable.replace(out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));

        assertEquals("old", Files.readString(file));
        assertEquals(List.of(file), files(), "the half-written temporary file is deleted");
        durable.replace(text("new"));
        assertEquals("new", Files.readString(file), "a temporary file left by the failure is no obstacle");
        assertEquals(List.of(file), files());
    }
}
