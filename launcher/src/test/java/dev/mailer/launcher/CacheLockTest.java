package dev.mailer.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheLockTest {

    @TempDir
    Path dir;

    @Test
    void aSecondRunWaitsUntilTheFirstReleasesTheLock() throws Exception {
        Path file = dir.resolve("data/felix-cache.lock");
        CacheLock first = CacheLock.acquire(file);
        assertTrue(Files.exists(file), "the lock file is made, with its folder");
        AtomicBoolean secondHeld = new AtomicBoolean();
        CountDownLatch secondDone = new CountDownLatch(1);
        Thread second = new Thread(() -> {
            try (CacheLock lock = CacheLock.acquire(file)) {
                secondHeld.set(lock.isHeld());
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                secondDone.countDown();
            }
        });
        second.start();
        assertFalse(secondDone.await(300, TimeUnit.MILLISECONDS), "the second waits while the first holds the lock");
        first.close();
        assertTrue(secondDone.await(10, TimeUnit.SECONDS), "the second gets the lock once the first released it");
        assertTrue(secondHeld.get());
        assertFalse(first.isHeld());
    }

    @Test
    void closingTwiceReleasesOnlyOnce() throws Exception {
        Path file = dir.resolve("felix-cache.lock");
        CacheLock lock = CacheLock.acquire(file);
        lock.close();
        lock.close();
        try (CacheLock again = CacheLock.acquire(file)) {
            CountDownLatch otherDone = new CountDownLatch(1);
            Thread other = new Thread(() -> {
                try (CacheLock third = CacheLock.acquire(file)) {
                    otherDone.countDown();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            other.start();
            assertFalse(otherDone.await(300, TimeUnit.MILLISECONDS), "still exclusive: the second close added no permit");
            again.close();
            assertTrue(otherDone.await(10, TimeUnit.SECONDS));
        }
    }
}
