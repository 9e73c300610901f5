package dev.mailer.relay.impl;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * What one client (by address) may use at a time: connections open at once, messages per minute (a
 * sliding window), and failed logins ({@value #MAX_FAILED_LOGINS} in {@link #FAILED_LOGIN_WINDOW}: each
 * login costs a deliberately slow password derivation, so guessing would also burn the CPU). A client over
 * a limit is told to come back later (a {@code 4xx}), which devices do on their own. Thread-safe; an
 * address without open connections, recent messages or recent failed logins is forgotten, so the table
 * stays as small as the set of active clients.
 */
final class ClientLimits {

    private static final Duration WINDOW = Duration.ofMinutes(1);
    static final Duration FAILED_LOGIN_WINDOW = Duration.ofMinutes(15);
    static final int MAX_FAILED_LOGINS = 5;

    private final int maxConnections;
    private final int maxMessagesPerMinute;
    private final Clock clock;
    private final Map<InetAddress, Usage> clients = new HashMap<>();

    ClientLimits(int maxConnections, int maxMessagesPerMinute, Clock clock) {
        this.maxConnections = maxConnections;
        this.maxMessagesPerMinute = maxMessagesPerMinute;
        this.clock = clock;
    }

    /** Takes a connection for {@code client}; false when it has {@code maxConnections} open already. */
    synchronized boolean openConnection(InetAddress client) {
        Usage usage = clients.computeIfAbsent(client, c -> new Usage());
        if (usage.connections >= maxConnections) {
            return false;
        }
        usage.connections++;
        return true;
    }

    synchronized void closeConnection(InetAddress client) {
        Usage usage = clients.get(client);
        if (usage != null) {
            usage.connections = Math.max(0, usage.connections - 1);
            forgetIfIdle(client, usage);
        }
    }

    /** Counts a message of {@code client}; false (and not counted) when it sent {@code maxMessagesPerMinute} in the last minute. */
    synchronized boolean takeMessage(InetAddress client) {
        Usage usage = clients.computeIfAbsent(client, c -> new Usage());
        Instant now = clock.instant();
        usage.forgetExpired(now);
        if (usage.messages.size() >= maxMessagesPerMinute) {
            return false;
        }
        usage.messages.addLast(now);
        return true;
    }

    /** False when {@code client} failed {@value #MAX_FAILED_LOGINS} logins in the last {@link #FAILED_LOGIN_WINDOW}. */
    synchronized boolean mayTryLogin(InetAddress client) {
        Usage usage = clients.get(client);
        if (usage == null) {
            return true;
        }
        usage.forgetExpired(clock.instant());
        return usage.failedLogins.size() < MAX_FAILED_LOGINS;
    }

    synchronized void loginFailed(InetAddress client) {
        clients.computeIfAbsent(client, c -> new Usage()).failedLogins.addLast(clock.instant());
    }

    int maxConnections() {
        return maxConnections;
    }

    int maxMessagesPerMinute() {
        return maxMessagesPerMinute;
    }

    private void forgetIfIdle(InetAddress client, Usage usage) {
        usage.forgetExpired(clock.instant());
        if (usage.connections == 0 && usage.messages.isEmpty() && usage.failedLogins.isEmpty()) {
            clients.remove(client);
        }
    }

    /** Guarded by the ClientLimits. */
    private static final class Usage {
        int connections;
        final Deque<Instant> messages = new ArrayDeque<>();
        final Deque<Instant> failedLogins = new ArrayDeque<>();

        /** Forgets what happened before each window that ends {@code now}. */
        void forgetExpired(Instant now) {
            drop(messages, now.minus(WINDOW));
            drop(failedLogins, now.minus(FAILED_LOGIN_WINDOW));
        }

        private static void drop(Deque<Instant> times, Instant start) {
            while (!times.isEmpty() && !times.peekFirst().isAfter(start)) {
                times.removeFirst();
            }
        }
    }
}
