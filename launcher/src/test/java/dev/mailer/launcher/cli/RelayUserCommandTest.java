package dev.mailer.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.mailer.relay.PasswordHash;

/** relay-user with the password piped in, as a script runs it: one line for the secret relay_users, never the password. */
class RelayUserCommandTest {

    @Test
    void aPipedPasswordBecomesTheUsersLineWithItsHash() throws Exception {
        InputStream stdin = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream("scan s3cret\n".getBytes(StandardCharsets.UTF_8)));
            int exit = new RelayUserCommand().run(new String[] {"scanner"}, new PrintStream(out, true, "UTF-8"),
                    new PrintStream(err, true, "UTF-8"));
            assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(stdin);
        }

        String line = out.toString(StandardCharsets.UTF_8).strip();
        assertTrue(line.startsWith("scanner:pbkdf2-sha256:"), line);
        assertTrue(PasswordHash.parse(line.substring("scanner:".length())).matches("scan s3cret"));
        assertFalse(line.contains("s3cret"));
    }
}
