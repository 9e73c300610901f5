package dev.mailer.relay.impl;

import java.util.ArrayList;
import java.util.List;

import dev.mailer.api.MailService;
import dev.mailer.api.check.CheckStep;
import dev.mailer.api.check.CheckStep.Outcome;

/**
 * What the relay says of itself, in {@code check} and in its log at start: where it listens, for whom
 * it relays and into which outbox; or why it relays nothing. One place for these texts.
 */
final class RelayCheck {

    static final String NAME = "relay";
    private static final String FILE = RelaySettings.PID + ".cfg.json";

    private RelayCheck() {
    }

    /** The configuration cannot be used: the relay does not listen. */
    static CheckStep invalid(String problems) {
        return new CheckStep(NAME, Outcome.FAIL, "not started: " + problems, List.of(),
                "correct the properties named above in " + FILE + " (launcher: the RELAY_* variables)");
    }

    /** The port could not be opened. */
    static CheckStep cannotListen(RelaySettings settings, String reason) {
        return new CheckStep(NAME, Outcome.FAIL, "cannot listen on " + address(settings, settings.port) + ": " + reason,
                List.of(), "check " + RelaySettings.BIND + " and " + RelaySettings.PORT + " (is another program using the port?)");
    }

    /**
     * @param port            the port it listens on; -1 when this framework does not listen (a one-shot command)
     * @param mailServiceHere whether the mail service it relays into is there now
     */
    static CheckStep running(RelaySettings settings, int port, boolean mailServiceHere) {
        String where = port < 0 ? "would listen on " + address(settings, settings.port) + " (serve listens; this command does not)"
                : "listens on " + address(settings, port);
        if (settings.relaysNothing()) {
            return new CheckStep(NAME, Outcome.WARN, where + ", but relays nothing: neither " + RelaySettings.NETWORKS + " nor "
                    + RelaySettings.USERS + " is set (never an open relay)", List.of(),
                    "set " + RelaySettings.NETWORKS + " (launcher: RELAY_NETWORKS, e.g. 192.168.10.0/24) for the devices of a"
                            + " network, or " + RelaySettings.USERS + " (launcher: the secret relay_users, lines printed by"
                            + " java -jar mailer.jar relay-user NAME) for devices that log in");
        }
        List<String> details = new ArrayList<>();
        if (!settings.networks.isEmpty()) {
            details.add("without a login: clients of " + settings.networks);
        }
        if (!settings.users.isEmpty()) {
            details.add("after STARTTLS and a login: " + settings.users.size() + " users");
        }
        details.add("limits per client: " + settings.maxConnectionsPerClient + " connections, " + settings.messagesPerMinutePerClient
                + " messages a minute; " + settings.maxRecipients + " recipients and " + settings.maxMessageSize
                + " bytes a message; sender " + settings.sender);
        String summary = where + "; relays into the outbox of " + mailService(settings);
        if (!mailServiceHere) {
            return new CheckStep(NAME, Outcome.WARN, summary + ", which is not there: devices are told to try again later",
                    details, "configure that mail service, or set " + MailService.SERVICE_NAME + " to one that is configured");
        }
        return new CheckStep(NAME, Outcome.PASS, summary, details, null);
    }

    private static String mailService(RelaySettings settings) {
        return settings.mailService.get().map(name -> "the mail service " + name).orElse("the default mail service");
    }

    private static String address(RelaySettings settings, int port) {
        return settings.bind.getHostAddress() + ":" + port;
    }
}
