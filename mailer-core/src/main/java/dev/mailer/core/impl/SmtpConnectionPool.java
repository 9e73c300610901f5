package dev.mailer.core.impl;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.mailer.api.MailException;

/**
 * The logged-in connections of one configuration of the mail service, reused from message to
 * message. At most {@code smtp.max.connections} are open at once, for sends and the outbox together:
 * a caller borrows one of as many slots ({@link #borrow}), waiting up to {@code smtp.timeout.connect}
 * for a free one, and gets an idle connection ready for its message, or none and opens one itself.
 * All network I/O (opening, RSET, NOOP, QUIT) happens outside the pool's lock, by the thread that
 * holds a slot; a connection is closed only by a slot holder or when the pool closes, so the limit
 * holds while connections come and go.
 *
 * <p>A connection is retired (QUIT) after {@code smtp.pool.max.messages} messages, at
 * {@code smtp.pool.max.age}, shortly before the access token it logged in with expires, and when the
 * sender's current token is another one (renewed or dropped); an idle one after
 * {@code smtp.pool.idle.timeout}, by a timer thread of the pool that exists while connections are
 * idle. {@link #close()} closes the idle connections and each borrowed one when it comes back; after
 * that, a borrower gets a connection of its own that is closed after its message. Thread-safe.
 */
final class SmtpConnectionPool implements AutoCloseable {

    /** A connection idle for longer is checked with NOOP before a message goes out on it. */
    static final Duration CHECK_AFTER_IDLE = Duration.ofSeconds(5);

    /** The timer never runs more often than this. */
    private static final long MIN_SWEEP_DELAY_MS = 10;

    private final SmtpSettings settings;
    private final Clock clock;
    private final Semaphore slots;
    /** Idle connections, the most recently used first. Guarded by {@code this}. */
    private final Deque<SmtpConnection> idle = new ArrayDeque<>();
    private final ScheduledThreadPoolExecutor timer;
    /** The next run of {@link #sweep}; null while none is due. Guarded by {@code this}. */
    private ScheduledFuture<?> sweep;
    /** Guarded by {@code this}. */
    private boolean closed;

    SmtpConnectionPool(SmtpSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.slots = new Semaphore(settings.maxConnections, true);
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "mailer-smtp-pool-" + settings.server());
            thread.setDaemon(true);
            return thread;
        });
        // the thread ends when no connection is idle
        timer.setKeepAliveTime(1, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * A slot for one conversation, with an idle connection ready for it when there is one that may
     * still be used with {@code currentToken} (the sender's access token, null without OAuth).
     *
     * @throws MailException (transient) when no slot became free within {@code smtp.timeout.connect}
     */
    Lease borrow(String currentToken) throws MailException {
        synchronized (this) {
            if (closed) {
                return new Lease(false);
            }
        }
        try {
            if (!slots.tryAcquire(settings.connectTimeoutMs, TimeUnit.MILLISECONDS)) {
                throw SmtpFailures.noConnectionFree(settings);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SmtpFailures.interruptedWaitingForConnection(settings);
        }
        Lease lease = new Lease(true);
        lease.connection = takeReady(currentToken);
        return lease;
    }

    /** Under a slot: the most recently used idle connection that is usable and ready; the others taken on the way are closed. */
    private SmtpConnection takeReady(String currentToken) {
        SmtpConnection candidate;
        while ((candidate = takeIdle()) != null) {
            Instant now = clock.instant();
            if (candidate.reusable(now, settings) && candidate.loggedInWith(currentToken)
                    && candidate.readyForNext(now, CHECK_AFTER_IDLE)) {
                return candidate;
            }
            candidate.close();
        }
        return null;
    }

    private synchronized SmtpConnection takeIdle() {
        return idle.pollFirst();
    }

    /** Gives a connection back after its conversation: kept while reusable, else closed before its slot is free again. */
    private void giveBack(SmtpConnection connection, boolean pooled) {
        if (connection != null) {
            Instant now = clock.instant();
            connection.used(now);
            boolean kept = false;
            synchronized (this) {
                if (pooled && !closed && connection.reusable(now, settings)) {
                    idle.addFirst(connection);
                    scheduleSweep(now);
                    kept = true;
                }
            }
            if (!kept) {
                connection.close();
            }
        }
        if (pooled) {
            slots.release();
        }
    }

    /** Under the lock: plans the next sweep for when the first idle connection is due, unless one is planned. */
    private void scheduleSweep(Instant now) {
        if (sweep != null || idle.isEmpty() || closed) {
            return;
        }
        Instant due = null;
        for (SmtpConnection connection : idle) {
            Instant until = connection.idleUntil(settings);
            due = due == null || until.isBefore(due) ? until : due;
        }
        long delay = Math.max(MIN_SWEEP_DELAY_MS, Duration.between(now, due).toMillis());
        sweep = timer.schedule(this::sweep, delay, TimeUnit.MILLISECONDS);
    }

    /** Closes the idle connections that are due, each under a free slot (a busy pool's borrowers retire them instead). */
    private void sweep() {
        synchronized (this) {
            sweep = null;
        }
        while (slots.tryAcquire()) {
            SmtpConnection due = takeDue();
            if (due == null) {
                slots.release();
                break;
            }
            due.close();
            slots.release();
        }
        synchronized (this) {
            scheduleSweep(clock.instant());
        }
    }

    private synchronized SmtpConnection takeDue() {
        Instant now = clock.instant();
        for (Iterator<SmtpConnection> it = idle.iterator(); it.hasNext();) {
            SmtpConnection connection = it.next();
            if (!now.isBefore(connection.idleUntil(settings))) {
                it.remove();
                return connection;
            }
        }
        return null;
    }

    /**
     * Closes the idle connections (QUIT) now, and each borrowed one when it comes back. Later
     * borrowers get a connection of their own, closed after use.
     */
    @Override
    public void close() {
        List<SmtpConnection> open;
        synchronized (this) {
            closed = true;
            open = new ArrayList<>(idle);
            idle.clear();
            if (sweep != null) {
                sweep.cancel(false);
                sweep = null;
            }
        }
        timer.shutdownNow();
        open.forEach(SmtpConnection::close);
    }

    /**
     * One borrower's slot and connection. The borrower runs its conversation on {@link #connection()}
     * (or {@link #use}s a new one), then says whether the connection can carry more ({@link #keep})
     * or is gone ({@link #discard}); {@link #close()} gives the slot back.
     */
    final class Lease implements AutoCloseable {
        private final boolean pooled;
        private SmtpConnection connection;
        private boolean keep;

        private Lease(boolean pooled) {
            this.pooled = pooled;
        }

        /** The connection of this lease: an idle one ready for a message, or one {@link #use}d; null for none yet. */
        SmtpConnection connection() {
            return connection;
        }

        /** Takes a connection the borrower opened. */
        void use(SmtpConnection opened) {
            connection = opened;
            keep = false;
        }

        /** The connection survived its conversation (also a failed one): it may be reused. */
        void keep() {
            keep = true;
        }

        /** The connection is broken or in an unknown state: closed now, not reused. */
        void discard(Exception failure) {
            if (connection != null) {
                connection.closeAfter(failure);
                connection = null;
            }
        }

        /** Gives the connection back (kept for reuse, or closed) and frees the slot. */
        @Override
        public void close() {
            SmtpConnection used = connection;
            connection = null;
            if (used != null && !keep) {
                used.close();
                used = null;
            }
            giveBack(used, pooled);
        }
    }
}
