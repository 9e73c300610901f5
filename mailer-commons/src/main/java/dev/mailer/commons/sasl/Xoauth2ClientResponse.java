package dev.mailer.commons.sasl;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The SASL XOAUTH2 client response (Google's and Microsoft's format): {@code user=USER^Aauth=Bearer TOKEN^A^A},
 * base64-encoded. What the mail service sends after {@code AUTH XOAUTH2}, and what the token broker hands to
 * tools that log in themselves. The result holds the token: never log it.
 */
public final class Xoauth2ClientResponse {

    private Xoauth2ClientResponse() {
    }

    public static String base64(String user, String accessToken) {
        String response = "user=" + user + "\u0001auth=Bearer " + accessToken + "\u0001\u0001";
        return Base64.getEncoder().encodeToString(response.getBytes(StandardCharsets.UTF_8));
    }
}
