package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RedactingDebugLogTest {

    private final RedactingDebugLog log = new RedactingDebugLog(LoggerFactory.getLogger("test"), "[test]", "s3cret-Pa55", null);

    @Test
    void removesAuthArguments() {
        String plain = Base64.getEncoder().encodeToString("\0user\0s3cret-Pa55".getBytes(StandardCharsets.UTF_8));
        assertEquals("AUTH PLAIN <redacted>", log.redact("AUTH PLAIN " + plain));
        assertEquals("AUTH XOAUTH2 <redacted>", log.redact("AUTH XOAUTH2 dXNlcj1qYW5lAWF1dGg9QmVhcmVyIGV5SjAB"));
    }

    @Test
    void removesBareBase64ResponsesButKeepsServerChallenges() {
        assertEquals("<redacted>", log.redact(Base64.getEncoder().encodeToString("s3cret-Pa55".getBytes(StandardCharsets.UTF_8))));
        assertEquals("334 VXNlcm5hbWU6", log.redact("334 VXNlcm5hbWU6"));
    }

    @Test
    void removesKnownSecretsAnywhere() {
        assertEquals("DEBUG: password is <redacted>!", log.redact("DEBUG: password is s3cret-Pa55!"));
    }

    @Test
    void removesKnownSecretsInsideTheBase64OfALongerTextAtEveryAlignment() {
        // base64 of "user=jan^Aauth=Bearer s3cret-Pa55^A^A", and with user names one and two bytes longer
        assertEquals("334 dXNlcj1qYW4BYXV0aD1CZWFyZXIg<redacted>UBAQ==", log.redact("334 " + xoauth2("jan")));
        assertEquals("334 dXNlcj1qYW5lAWF1dGg9QmVhcmVyIH<redacted>AQE=", log.redact("334 " + xoauth2("jane")));
        assertEquals("334 dXNlcj1qbwFhdXRoPUJlYXJlciB<redacted>QEB", log.redact("334 " + xoauth2("jo")));
    }

    private static String xoauth2(String user) {
        return Base64.getEncoder().encodeToString(("user=" + user + "\u0001auth=Bearer s3cret-Pa55\u0001\u0001")
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keepsOrdinaryProtocolLines() {
        assertEquals("MAIL FROM:<workflow@example.com>", log.redact("MAIL FROM:<workflow@example.com>"));
        assertEquals("250 2.0.0 OK", log.redact("250 2.0.0 OK"));
        assertEquals("STARTTLS", log.redact("STARTTLS"));
        assertEquals("QUIT", log.redact("QUIT"));
    }
}
