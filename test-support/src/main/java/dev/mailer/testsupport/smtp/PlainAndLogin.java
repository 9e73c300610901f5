package dev.mailer.testsupport.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The two password mechanisms: PLAIN (RFC 4616) and LOGIN (draft-murchison-sasl-login). */
final class PlainAndLogin {

    private PlainAndLogin() {
    }

    static final class Plain implements AuthMechanism {
        @Override
        public String name() {
            return "PLAIN";
        }

        @Override
        public Result authenticate(String initialResponse, Exchange exchange) throws java.io.IOException {
            String response = initialResponse != null ? initialResponse : exchange.challenge("");
            String decoded = decode(response);
            if (decoded == null) {
                return Result.failure("501 5.5.2 Cannot decode the PLAIN response (not base64)");
            }
            // authzid NUL authcid NUL password
            String[] parts = decoded.split("\0", -1);
            if (parts.length != 3) {
                return Result.failure("501 5.5.2 PLAIN response must be authzid NUL user NUL password");
            }
            return check(parts[1], parts[2], exchange);
        }
    }

    static final class Login implements AuthMechanism {
        @Override
        public String name() {
            return "LOGIN";
        }

        @Override
        public Result authenticate(String initialResponse, Exchange exchange) throws java.io.IOException {
            String userResponse = initialResponse != null ? initialResponse : exchange.challenge(encode("Username:"));
            String user = decode(userResponse);
            String password = decode(exchange.challenge(encode("Password:")));
            if (user == null || password == null) {
                return Result.failure("501 5.5.2 Cannot decode the LOGIN response (not base64)");
            }
            return check(user, password, exchange);
        }
    }

    static AuthMechanism.Result check(String user, String password, AuthMechanism.Exchange exchange) {
        if (user.equals(exchange.expectedUser()) && password.equals(exchange.expectedPassword())) {
            return AuthMechanism.Result.success(user);
        }
        return AuthMechanism.Result.invalidCredentials();
    }

    private static String decode(String base64) {
        return AuthMechanism.decodeBase64(base64);
    }

    static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
