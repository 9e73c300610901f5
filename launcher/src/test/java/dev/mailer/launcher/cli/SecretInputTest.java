package dev.mailer.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.mailer.launcher.args.UsageException;

/** What encrypt and relay-user take from stdin: the whole value, without the line break a shell adds. */
class SecretInputTest {

    private static String piped(String input) throws UsageException {
        return SecretInput.read(null, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), "unused prompt", "encrypt",
                "printf %s 'the-secret' | java -jar mailer.jar encrypt");
    }

    @Test
    void aPipedValueIsTakenWholeWithoutItsFinalLineBreak() throws Exception {
        assertEquals("s3cret with spaces ", piped("s3cret with spaces "));
        assertEquals("s3cret", piped("s3cret\n"));
        assertEquals("s3cret", piped("s3cret\r\n"));
        assertEquals("s3cret\n", piped("s3cret\n\n"), "only the final line break goes");
        assertEquals("pässwörd", piped("pässwörd\n"));
    }

    @Test
    void nothingOnStdinIsAUsageErrorSayingHowToPipeAValue() {
        UsageException e = assertThrows(UsageException.class, () -> piped("\n"));

        assertTrue(e.getMessage().contains("printf %s 'the-secret' | java -jar mailer.jar encrypt"), e.getMessage());
    }

    @Test
    void aFileInsteadOfASecretIsRefused() {
        UsageException e = assertThrows(UsageException.class, () -> piped("x".repeat(SecretInput.MAX_CHARS + 1)));

        assertTrue(e.getMessage().contains("one secret of at most"), e.getMessage());
    }
}
