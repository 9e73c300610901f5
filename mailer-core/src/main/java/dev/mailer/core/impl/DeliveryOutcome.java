package dev.mailer.core.impl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.mailer.api.MailException;

/**
 * What one delivery attempt of ready MIME bytes achieved, per recipient (with Angus's
 * {@code sendpartial}, the server may accept some recipients and refuse others): the accepted
 * ones, and for each refused one the failure, transient (4xx: try again) or permanent (5xx).
 * Immutable.
 */
final class DeliveryOutcome {

    final List<String> accepted;
    /** Refused recipients and why, in envelope order. */
    final Map<String, MailException> refused;
    /** The server's reply to the message (empty when no DATA was accepted). */
    final String reply;

    DeliveryOutcome(List<String> accepted, Map<String, MailException> refused, String reply) {
        this.accepted = List.copyOf(accepted);
        this.refused = Collections.unmodifiableMap(new LinkedHashMap<>(refused));
        this.reply = reply == null ? "" : reply.strip();
    }

    @Override
    public String toString() {
        return "DeliveryOutcome[accepted=" + accepted.size() + ", refused=" + refused.size() + ", reply=" + reply + "]";
    }
}
