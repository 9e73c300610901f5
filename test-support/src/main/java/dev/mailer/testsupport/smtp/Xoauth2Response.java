package dev.mailer.testsupport.smtp;

import java.util.HashMap;
import java.util.Map;

/**
 * The client response of SASL XOAUTH2 (as Gmail and Exchange Online define it), base64 of
 * {@code user=<mailbox>^Aauth=Bearer <token>^A^A}. {@link #toString()} never shows the token.
 */
public final class Xoauth2Response {

    /** The reply to a response that is not one. */
    public static final String MALFORMED_REPLY = "501 5.5.2 Malformed XOAUTH2 response: expected user=...^Aauth=Bearer ...^A^A";

    private static final String BEARER = "Bearer ";

    /** The key=value pairs between the ^A separators: {@code user}, {@code auth}, ... */
    private final Map<String, String> pairs;

    private Xoauth2Response(Map<String, String> pairs) {
        this.pairs = pairs;
    }

    /** The response in {@code base64}, or null when it is not an XOAUTH2 response with a user and a bearer token. */
    public static Xoauth2Response parse(String base64) {
        String decoded = AuthMechanism.decodeBase64(base64);
        if (decoded == null || !decoded.endsWith("\u0001\u0001")) {
            return null;
        }
        Map<String, String> pairs = new HashMap<>();
        for (String pair : decoded.substring(0, decoded.length() - 2).split("\u0001")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                pairs.put(pair.substring(0, equals), pair.substring(equals + 1));
            }
        }
        String auth = pairs.get("auth");
        return pairs.containsKey("user") && auth != null && auth.startsWith(BEARER) ? new Xoauth2Response(pairs) : null;
    }

    /** The mailbox of {@code user=}. */
    public String user() {
        return pairs.get("user");
    }

    /** The bearer token of {@code auth=Bearer <token>}. */
    public String token() {
        return pairs.get("auth").substring(BEARER.length());
    }

    @Override
    public String toString() {
        return "Xoauth2Response[user=" + user() + ", token of " + token().length() + " characters]";
    }
}
