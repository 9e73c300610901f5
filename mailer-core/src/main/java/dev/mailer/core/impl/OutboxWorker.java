package dev.mailer.core.impl;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the outbox's delivery attempts: a timer thread makes each message due at its time, and a
 * pool of {@code smtp.max.connections} threads runs the attempts, so there are never more
 * concurrent deliveries (each on a connection of the service's pool) than that; {@code smtp.rate.per.minute} spaces
 * the starts of attempts. A periodic rescan picks up what another component instance or process
 * left. Our own daemon threads, named after the service. Thread-safe.
 */
final class OutboxWorker {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxWorker.class);

    private final String name;
    private final Clock clock;
    private final Consumer<String> attempt;
    private final Runnable rescan;
    private final Duration rescanInterval;
    private final SendRate rate;
    private final ScheduledThreadPoolExecutor timer;
    private final ThreadPoolExecutor deliveries;
    /** Messages scheduled or waiting for a delivery thread (not yet running), so none is planned twice. */
    private final ConcurrentHashMap<String, ScheduledFuture<?>> planned = new ConcurrentHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;

    /**
     * @param attempt makes one delivery attempt of the message with that id (it may call {@link #awaitPermit})
     * @param rescan schedules every message still in the outbox (through {@link #schedule})
     */
    OutboxWorker(String name, int maxConnections, int ratePerMinute, Duration rescanInterval, Clock clock,
            Consumer<String> attempt, Runnable rescan) {
        this.name = name;
        this.clock = clock;
        this.attempt = attempt;
        this.rescan = rescan;
        this.rescanInterval = rescanInterval;
        this.rate = new SendRate(ratePerMinute);
        this.timer = new ScheduledThreadPoolExecutor(1, threads("mailer-outbox-" + name + "-timer"));
        timer.setRemoveOnCancelPolicy(true);
        this.deliveries = new ThreadPoolExecutor(maxConnections, maxConnections, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), threads("mailer-outbox-" + name + "-delivery"));
    }

    /** Starts the rescans, the first one now. */
    void start() {
        timer.scheduleWithFixedDelay(this::rescanSafely, 0, rescanInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Makes an attempt at {@code at} (now if past), unless one is planned already for that time or earlier. */
    void schedule(String id, Instant at) {
        if (stopping) {
            return;
        }
        long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        try {
            planned.compute(id, (key, existing) -> {
                if (existing != null && (existing.isDone() || existing.getDelay(TimeUnit.MILLISECONDS) <= delay)) {
                    return existing; // handed over already, or planned no later
                }
                if (existing != null) {
                    existing.cancel(false);
                }
                return timer.schedule(() -> hand(id), delay, TimeUnit.MILLISECONDS);
            });
        } catch (RejectedExecutionException e) {
            planned.remove(id); // stopping: it stays in the outbox for the next start
        }
    }

    private void hand(String id) {
        try {
            deliveries.execute(() -> run(id));
        } catch (RejectedExecutionException e) {
            planned.remove(id);
        }
    }

    private void run(String id) {
        // no longer planned once running: a retry it schedules is a new plan
        planned.remove(id);
        if (stopping) {
            return;
        }
        try {
            attempt.accept(id);
        } catch (RuntimeException e) {
            LOG.error("The delivery attempt of outbox message {} failed unexpectedly; it stays in the outbox", id, e);
        }
    }

    /**
     * Waits until the rate limit allows the next attempt to start.
     *
     * @return false when the worker stops meanwhile (make no attempt then)
     */
    boolean awaitPermit() {
        if (!rate.isLimited()) {
            return !stopping;
        }
        long wait = rate.reserve();
        try {
            return !stopped.await(wait, TimeUnit.NANOSECONDS) && !stopping;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Stops taking new work, lets the attempts in flight finish for up to {@code timeout}, and leaves
     * the rest in the outbox.
     *
     * @return true when every attempt in flight finished in time
     */
    boolean stop(Duration timeout) {
        stopping = true;
        stopped.countDown();
        timer.shutdownNow();
        deliveries.shutdown(); // queued attempts see stopping and return at once
        try {
            if (deliveries.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // not interrupted: an attempt that ends later still records its outcome (an interrupt would make the
        // file write fail, and a message the server accepted would go out again after the restart)
        LOG.warn("Outbox deliveries through {} still running after {}; they record their outcome when they end,"
                + " their messages stay in the outbox until then", name, timeout);
        return false;
    }

    boolean isStopping() {
        return stopping;
    }

    private void rescanSafely() {
        try {
            rescan.run();
        } catch (RuntimeException e) {
            LOG.warn("Rescanning the outbox for {} failed; trying again in {}", name, rescanInterval, e);
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
