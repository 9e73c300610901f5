package dev.mailer.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Files only the user running the launcher may read: keys, and the configuration files of a run. */
final class OwnerOnlyFiles {

    private OwnerOnlyFiles() {
    }

    /** Creates the empty file {@code file}, readable and writable by its owner only (fails if it exists). */
    static void create(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file); // not a POSIX file system: the folder's own permissions apply
        }
    }
}
