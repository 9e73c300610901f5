package dev.mailer.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHashTest {

    @Test
    void aStoredHashMatchesItsPasswordOnly() {
        String stored = PasswordHash.create("scanner s3cret".toCharArray());

        assertTrue(stored.startsWith("pbkdf2-sha256:600000:"), stored);
        assertTrue(PasswordHash.parse(stored).matches("scanner s3cret"));
        assertFalse(PasswordHash.parse(stored).matches("scanner s3cret "));
        assertFalse(stored.contains("s3cret"));
    }

    @Test
    void aMalformedOrWeakHashIsRefusedWithoutEchoingIt() {
        IllegalArgumentException plain = assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("s3cret"));
        assertFalse(plain.getMessage().contains("s3cret"));
        assertTrue(plain.getMessage().contains("relay-user"), plain.getMessage());
        IllegalArgumentException weak = assertThrows(IllegalArgumentException.class,
                () -> PasswordHash.parse("pbkdf2-sha256:1000:c2FsdA==:aGFzaA=="));
        assertEquals("the password hash uses 1000 iterations, fewer than 10000: make a new one with java -jar mailer.jar"
                + " relay-user NAME", weak.getMessage());
    }
}
