package dev.mailer.relay.impl;

import java.net.InetAddress;

import org.subethamail.smtp.RejectException;

import dev.mailer.api.MailException;

/**
 * Every refusal the relay answers a client with, and its log text: one place for the wording. A
 * {@code 4xx} tells a device to try again later (it keeps the message); a {@code 5xx} that it never will.
 */
final class RelayReplies {

    private RelayReplies() {
    }

    /** Connecting from outside the allowed networks while no user could log in either. */
    static String notAllowedToConnect(InetAddress client) {
        return "5.7.1 " + client.getHostAddress() + " may not relay here (not in relay.networks)";
    }

    static RejectException loginRequired() {
        return new RejectException(530, "5.7.0 Authentication required: STARTTLS, then AUTH");
    }

    static RejectException relayDenied(InetAddress client) {
        return new RejectException(550, "5.7.1 Relaying denied for " + client.getHostAddress() + " (not in relay.networks)");
    }

    static String tooManyConnections(InetAddress client, int max) {
        return "4.7.0 Too many connections from " + client.getHostAddress() + " (at most " + max + "), try again later";
    }

    static RejectException tooManyMessages(InetAddress client, int perMinute) {
        return new RejectException(451, "4.7.0 " + client.getHostAddress() + " sent " + perMinute
                + " messages in the last minute, try again later");
    }

    static RejectException encryptionRequired() {
        return new RejectException(538, "5.7.11 Encryption required: STARTTLS before AUTH");
    }

    static RejectException tooManyFailedLogins(InetAddress client) {
        return new RejectException(454, "4.7.0 Too many failed logins from " + client.getHostAddress() + ", try again in "
                + ClientLimits.FAILED_LOGIN_WINDOW.toMinutes() + " minutes");
    }

    static RejectException serviceAbsent() {
        return new RejectException(451, "4.3.0 The mail service is not available, try again later");
    }

    /** The outbox did not take the message: the device keeps it and tries again, unless it never could be taken. */
    static RejectException notQueued(MailException e) {
        return e.isTransient()
                ? new RejectException(451, "4.3.0 Not queued, try again later: " + e.getSummary())
                : new RejectException(554, "5.6.0 Not queued: " + e.getSummary());
    }

    static String queued(String id) {
        return "2.0.0 Queued as " + id;
    }
}
