package dev.mailer.relay.impl;

import java.net.InetAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * Who may open a session: with no users, only clients of the allowed networks (the others are told at
 * once, not after a transaction); with users, anyone may come to log in. Either way at most the
 * configured connections per client.
 */
final class ClientAdmission implements SessionHandler {

    private final RelaySettings settings;
    private final ClientLimits limits;
    /** The sessions holding a connection of {@link #limits}; only those give one back. */
    private final Set<Session> admitted = ConcurrentHashMap.newKeySet();

    ClientAdmission(RelaySettings settings, ClientLimits limits) {
        this.settings = settings;
        this.limits = limits;
    }

    @Override
    public SessionAcceptance accept(Session session) {
        InetAddress client = session.getRemoteAddress().getAddress();
        if (settings.users.isEmpty() && !settings.networks.contains(client)) {
            return SessionAcceptance.failure(554, RelayReplies.notAllowedToConnect(client));
        }
        if (!limits.openConnection(client)) {
            return SessionAcceptance.failure(421, RelayReplies.tooManyConnections(client, limits.maxConnections()));
        }
        admitted.add(session);
        return SessionAcceptance.success();
    }

    @Override
    public void onSessionEnd(Session session) {
        if (admitted.remove(session)) {
            limits.closeConnection(session.getRemoteAddress().getAddress());
        }
    }
}
