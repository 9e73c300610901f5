package dev.mailer.broker.impl;

import java.nio.channels.SocketChannel;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/** Who is at the other end of a Unix domain socket, for the log: the user and group the kernel reports. */
final class PeerCredentials {

    private PeerCredentials() {
    }

    /** e.g. {@code user exim (group mail)}; {@code an unknown user} where the platform does not tell. */
    static String of(SocketChannel channel) {
        try {
            UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return "user " + peer.user().getName() + " (group " + peer.group().getName() + ")";
        } catch (Exception | LinkageError e) {
            return "an unknown user";
        }
    }
}
