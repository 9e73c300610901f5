package dev.mailer.oauth.impl;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The renewal lock of one chain in the {@link RepositoryTokenStore}: this instance's threads queue on
 * a local lock, and the one that holds it claims the chain's lease in the repository, waiting while
 * another instance holds it (until that one released it or its lease ran out). Reentrant: only the
 * outermost lock claims and the outermost unlock releases.
 *
 * <p>When the repository cannot be reached the lock is held locally only: what the holder then reads
 * from or writes to the store fails too, with the reason, so nothing is sent on a guess.
 */
final class RepositoryRenewal implements Lock {

    private static final Logger LOG = LoggerFactory.getLogger(RepositoryRenewal.class);

    /** How often a waiting instance looks whether the lease ended, at first and at most. */
    private static final Duration FIRST_POLL = Duration.ofMillis(20);
    private static final Duration MAX_POLL = Duration.ofMillis(500);

    private final ReentrantLock local = new ReentrantLock();
    private final RepositoryTokenStore store;
    private final String key;
    private final String owner;
    private final Clock clock;

    RepositoryRenewal(RepositoryTokenStore store, String key, String owner, Clock clock) {
        this.store = store;
        this.key = key;
        this.owner = owner;
        this.clock = clock;
    }

    @Override
    public void lock() {
        local.lock();
        if (local.getHoldCount() > 1) {
            return;
        }
        boolean interrupted = false;
        try {
            Duration poll = FIRST_POLL;
            while (!claimed()) {
                try {
                    Thread.sleep(poll.toMillis());
                } catch (InterruptedException e) {
                    interrupted = true; // lock() is not interruptible: keep waiting, restore the flag afterwards
                }
                poll = poll.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : poll.multipliedBy(2);
            }
        } catch (RuntimeException | Error e) {
            local.unlock();
            throw e;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean tryLock() {
        if (!local.tryLock()) {
            return false;
        }
        if (local.getHoldCount() > 1 || claimed()) {
            return true;
        }
        local.unlock();
        return false;
    }

    @Override
    public void unlock() {
        try {
            if (local.getHoldCount() == 1) {
                store.release(key, owner);
            }
        } catch (IOException e) {
            LOG.warn("Cannot end the renewal lease of the token chain in {} ({}); other instances take it over when it expires",
                    store.location(), e.getMessage());
        } finally {
            local.unlock();
        }
    }

    /** True when this instance holds the lease now, or the repository cannot be reached (see the class comment). */
    private boolean claimed() {
        try {
            return store.claim(key, owner, clock.instant());
        } catch (IOException e) {
            LOG.warn("Cannot claim the renewal of the token chain in {} ({})", store.location(), e.getMessage());
            return true;
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        lock();
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) {
        throw new UnsupportedOperationException("lock() or tryLock()");
    }

    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("no conditions");
    }
}
