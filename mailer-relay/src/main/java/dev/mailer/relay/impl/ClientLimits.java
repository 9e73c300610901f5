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
 * What one client (by address) may use at a time: connections open at once, and messages per
 * minute (a sliding window). A client over a limit is told to come back later (a {@code 4xx}),
 * which devices do on their own. Thread-safe; an address without open connections or recent
 * messages is forgotten, so the table stays as small as the set of active clients.
 */
final class ClientLimits {

    private static final Duration WINDOW = Duration.ofMinutes(1);

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
        usage.dropBefore(now.minus(WINDOW));
        if (usage.messages.size() >= maxMessagesPerMinute) {
            return false;
        }
        usage.messages.addLast(now);
        return true;
    }

    int maxConnections() {
        return maxConnections;
    }

    int maxMessagesPerMinute() {
        return maxMessagesPerMinute;
    }

    private void forgetIfIdle(InetAddress client, Usage usage) {
        usage.dropBefore(clock.instant().minus(WINDOW));
        if (usage.connections == 0 && usage.messages.isEmpty()) {
            clients.remove(client);
        }
    }

    /** Guarded by the ClientLimits. */
    private static final class Usage {
        int connections;
        final Deque<Instant> messages = new ArrayDeque<>();

        void dropBefore(Instant start) {
            while (!messages.isEmpty() && !messages.peekFirst().isAfter(start)) {
                messages.removeFirst();
            }
        }
    }
}
