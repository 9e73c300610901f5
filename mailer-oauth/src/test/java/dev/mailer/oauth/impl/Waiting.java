package dev.mailer.oauth.impl;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;

/** Callers on threads of their own, and what they wait for; every wait has a deadline. */
final class Waiting {

    static final Duration DEADLINE = Duration.ofSeconds(20);

    private Waiting() {
    }

    /** A caller running on a thread of its own, so that the test can see whether it waits. */
    static final class Caller<T> extends FutureTask<T> {
        final Thread thread;

        Caller(String name, Callable<T> call) {
            super(call);
            thread = new Thread(this, name);
            thread.setDaemon(true);
            thread.start();
        }
    }

    /**
     * True when {@code thread} is parked or blocked on a lock taken in {@code owner}: it waits for
     * another thread there, rather than doing its own work (e.g. a token request, which runs in
     * the thread and would show other frames of ours on top).
     */
    static boolean waitsForALockIn(Thread thread, Class<?> owner) {
        Thread.State state = thread.getState();
        if (state != Thread.State.WAITING && state != Thread.State.BLOCKED) {
            return false;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().startsWith("dev.mailer.")) {
                return frame.getClassName().equals(owner.getName());
            }
        }
        return false;
    }

    /**
     * Waits until {@code caller} waits for a lock in {@link AccessTokens}, or the server received
     * {@code requests} token requests (so it did not wait, and the test's assertions show it).
     */
    static void untilWaitingForTheRenewalOrRequested(Caller<?> caller, OAuthTestServer server, int requests)
            throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!caller.isDone() && !waitsForALockIn(caller.thread, AccessTokens.class)
                && !server.awaitRequests(OAuthTestServer.TOKEN_PATH, requests, Duration.ofMillis(10))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(caller.thread.getName() + " neither waited for the renewal nor sent a request");
            }
        }
    }
}
