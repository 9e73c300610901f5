package dev.mailer.broker.impl;

import java.util.Locale;
import java.util.regex.Pattern;

import dev.mailer.api.MailException;
import dev.mailer.api.OAuthConfigurationProvider;
import dev.mailer.commons.sasl.Xoauth2ClientResponse;

/**
 * One request line and its answer: {@code TOKEN} gives the current access token, {@code XOAUTH2 user@domain}
 * the base64 XOAUTH2 client response for that user; anything else, or a token that cannot be had, gives
 * one line {@code ERROR reason} (never a token). The answer ends with a line break ({@code ${readsocket}}
 * of exim drops it with an empty fourth argument).
 */
final class BrokerRequest {

    /** Longer than any request: a client sending more is not one of ours. */
    static final int MAX_LINE = 512;
    private static final Pattern USER = Pattern.compile("[^\\s\\u0000-\\u001f\\u007f]{1,320}");

    /** What the request asks for, for the log (never with a token). */
    final String description;
    private final String user;
    private final String error;

    private BrokerRequest(String description, String user, String error) {
        this.description = description;
        this.user = user;
        this.error = error;
    }

    static BrokerRequest parse(String line) {
        String request = line.strip();
        String upper = request.toUpperCase(Locale.ROOT);
        if (upper.equals("TOKEN")) {
            return new BrokerRequest("the access token", null, null);
        }
        if (upper.startsWith("XOAUTH2 ")) {
            String user = request.substring("XOAUTH2 ".length()).strip();
            if (USER.matcher(user).matches()) {
                return new BrokerRequest("XOAUTH2 for " + user, user, null);
            }
            return new BrokerRequest("a malformed XOAUTH2 request", null, "XOAUTH2 needs one user name, e.g. XOAUTH2 user@example.com");
        }
        return new BrokerRequest("an unknown request", null, "unknown request: send TOKEN or XOAUTH2 user@example.com");
    }

    boolean isValid() {
        return error == null;
    }

    /** The answer line, with its line break. */
    String answer(OAuthConfigurationProvider provider) {
        if (error != null) {
            return "ERROR " + error + "\n";
        }
        if (provider == null) {
            return "ERROR no token provider is running for this broker: check the OAuth2 configuration\n";
        }
        try {
            String token = provider.getAccessToken();
            return (user == null ? token : Xoauth2ClientResponse.base64(user, token)) + "\n";
        } catch (MailException e) {
            return "ERROR " + e.getSummary().replace('\n', ' ') + "\n";
        }
    }
}
