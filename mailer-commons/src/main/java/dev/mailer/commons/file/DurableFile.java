package dev.mailer.commons.file;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a file, readable by its owner only, so that a crash or a power loss leaves the old or
 * the new content, never half of it or none: the content goes to a temporary file beside it, which
 * is forced to disk, atomically renamed over the file, and the directory is forced after the
 * rename. Not thread-safe: its caller serializes the writes of one file. Shared by the stored
 * refresh token (mailer-oauth) and the outbox (mailer-core).
 */
public final class DurableFile {

    private static final Logger LOG = LoggerFactory.getLogger(DurableFile.class);

    /** Forces what was written to a file or directory onto the storage device. A seam for tests. */
    @FunctionalInterface
    public interface Sync {
        Sync DISK = (channel, path) -> channel.force(true);

        void force(FileChannel channel, Path path) throws IOException;
    }

    /** Writes the new content. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private final Path file;
    private final Sync sync;

    public DurableFile(Path file, Sync sync) {
        this.file = file;
        this.sync = sync;
    }

    /** Replaces the file with {@code content}; on failure the file keeps what it held. */
    public void replace(Content content) throws IOException {
        replaceLeavingDirectory(content);
        forceDirectory(file.toAbsolutePath().getParent());
    }

    /**
     * Replaces the file as {@link #replace} does, but leaves the directory unforced: the new name is
     * durable once the caller has replaced another file of the same directory with {@link #replace},
     * which forces the directory once for both renames (one fsync less for files written together).
     */
    public void replaceLeavingDirectory(Content content) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(temp); // not a POSIX file system: the directory's own permissions apply
        }
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                content.writeTo(Channels.newOutputStream(channel));
                // on disk before the rename: else a power loss may leave the new name on an empty file
                sync.force(channel, temp);
            }
            move(temp);
        } catch (IOException | RuntimeException e) {
            // a full disk must not fill up further with what was half written
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void move(Path temp) throws IOException {
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes the rename durable; some platforms (Windows) cannot open or force a directory, and their file systems need not. */
    private void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            sync.force(channel, directory);
        } catch (IOException e) {
            LOG.debug("Cannot force the directory {} to disk ({}); the new {} is there once the system writes it",
                    directory, e.toString(), file.getFileName());
        }
    }
}
