package dev.mailer.launcher;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Excludes other launchers on the same data folder while a run opens the framework storage and
 * brings its bundles up to date: Felix 7 does not lock its storage, and two runs installing or
 * updating the same bundle at once would leave a revision half written. An OS file lock
 * ({@code felix-cache.lock}) keeps processes apart; a semaphore per file keeps threads of one JVM
 * apart too (a JVM holds a file lock for all its threads). Released once the bundles are synced, so
 * a {@code send} next to a running {@code serve} waits for that short step only.
 */
final class CacheLock implements AutoCloseable {

    private static final Map<Path, Semaphore> IN_THIS_JVM = new ConcurrentHashMap<>();

    private final Semaphore semaphore;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean closed;

    private CacheLock(Semaphore semaphore, FileChannel channel, FileLock lock) {
        this.semaphore = semaphore;
        this.channel = channel;
        this.lock = lock;
    }

    /** Blocks until no other run (process or thread) holds the lock of {@code file}, then holds it. */
    static CacheLock acquire(Path file) throws IOException, InterruptedException {
        Path key = file.toAbsolutePath().normalize();
        Semaphore semaphore = IN_THIS_JVM.computeIfAbsent(key, k -> new Semaphore(1));
        semaphore.acquire();
        FileChannel channel = null;
        try {
            Files.createDirectories(key.getParent());
            channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new CacheLock(semaphore, channel, channel.lock());
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            semaphore.release();
            throw e;
        }
    }

    /** Whether this lock is still held. */
    boolean isHeld() {
        return lock.isValid();
    }

    /** Releases the lock; again: nothing. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lock.release();
            channel.close();
        } finally {
            semaphore.release();
        }
    }
}
