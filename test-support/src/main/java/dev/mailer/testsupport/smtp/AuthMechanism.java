package dev.mailer.testsupport.smtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * One SASL mechanism of {@link TestSmtpServer}'s AUTH command (RFC 4954). The server has PLAIN and
 * LOGIN; a mechanism such as XOAUTH2 plugs in through {@link TestSmtpServer.Builder#mechanism}.
 */
public interface AuthMechanism {

    /** The name EHLO advertises and AUTH selects, e.g. {@code PLAIN}. */
    String name();

    /**
     * Runs the exchange after {@code AUTH <name> [initial-response]}.
     *
     * @param initialResponse the base64 initial response on the AUTH line, or null when there was none
     * @param exchange        sends {@code 334} challenges and reads the client's answers
     * @return the outcome; the server sends its reply line
     */
    Result authenticate(String initialResponse, Exchange exchange) throws IOException;

    /** The UTF-8 text of a client's base64 answer, or null when it is not base64. */
    static String decodeBase64(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The client side of the exchange, as the mechanism sees it. */
    interface Exchange {
        /**
         * Sends {@code 334 <challenge>} and returns the client's answer line.
         *
         * @throws CancelledException when the client answered {@code *}
         */
        String challenge(String base64Challenge) throws IOException;

        /** The credentials the server was configured with. */
        String expectedUser();

        String expectedPassword();
    }

    /** The client cancelled the exchange with {@code *}. */
    final class CancelledException extends IOException {
        private static final long serialVersionUID = 1L;

        public CancelledException() {
            super("AUTH cancelled by the client");
        }
    }

    /** A mechanism's verdict and the reply line the server sends for it. */
    final class Result {
        private final String user;
        private final String reply;
        private final Instant validUntil;

        private Result(String user, String reply, Instant validUntil) {
            this.user = user;
            this.reply = reply;
            this.validUntil = validUntil;
        }

        public static Result success(String user) {
            return success(user, null);
        }

        /**
         * Logged in with a credential that expires at {@code validUntil} (an access token): the server
         * refuses each later command of the session once it has, recording {@code AUTH-EXPIRED}.
         */
        public static Result success(String user, Instant validUntil) {
            return new Result(user, "235 2.7.0 Authentication successful", validUntil);
        }

        public static Result failure(String reply) {
            return new Result(null, reply, null);
        }

        public static Result invalidCredentials() {
            return failure("535 5.7.8 Authentication credentials invalid");
        }

        /** The authenticated user, or null when authentication failed. */
        public String user() {
            return user;
        }

        public String reply() {
            return reply;
        }

        /** When the credential of a successful login expires; null when it does not. */
        public Instant validUntil() {
            return validUntil;
        }
    }
}
