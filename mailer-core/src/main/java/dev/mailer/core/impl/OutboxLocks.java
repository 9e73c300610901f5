package dev.mailer.core.impl;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-message lock of the outbox, held while a delivery (or an operator's change) runs: a
 * {@link FileLock} on the message's lock file keeps other processes out, and a set shared by the
 * whole JVM keeps out other threads and other component instances on the same directory, which a
 * file lock cannot (the JVM holds file locks per process and throws
 * {@link OverlappingFileLockException} for the second).
 */
final class OutboxLocks {

    /** The lock files held by this JVM, as absolute normalized paths. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private OutboxLocks() {
    }

    /** A held lock; {@link #close()} releases it. */
    static final class Held implements AutoCloseable {
        private final Path path;
        private final FileChannel channel;

        private Held(Path path, FileChannel channel) {
            this.path = path;
            this.channel = channel;
        }

        @Override
        public void close() {
            try {
                channel.close(); // releases the file lock
            } catch (IOException e) {
                // the lock goes with the channel anyway
            } finally {
                HELD.remove(path);
            }
        }
    }

    /** Takes the lock of {@code lockFile} if nobody (in this JVM or another process) holds it. */
    static Optional<Held> tryLock(Path lockFile) throws IOException {
        Path path = lockFile.toAbsolutePath().normalize();
        if (!HELD.add(path)) {
            return Optional.empty();
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                HELD.remove(path);
                return Optional.empty();
            }
            return Optional.of(new Held(path, channel));
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            HELD.remove(path);
            throw e;
        }
    }

    /** Whether this JVM holds the lock of {@code lockFile} now. */
    static boolean heldHere(Path lockFile) {
        return HELD.contains(lockFile.toAbsolutePath().normalize());
    }
}
