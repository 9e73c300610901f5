package dev.mailer.launcher.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SendArgumentsTest {

    @TempDir
    Path dir;

    @Test
    void fullCommandLine() throws Exception {
        Path html = Files.writeString(dir.resolve("body.html"), "<p>hi</p>");
        Path pdf = Files.write(dir.resolve("a.pdf"), new byte[] {1});
        SendArguments a = SendArguments.parse("--to", "a@example.com,b@example.com", "--to=c@example.com", "--subject", "S",
                "--text", "T", "--html-file", html.toString(), "--from", "me@example.com", "--attach", pdf.toString(), "--attach", html.toString());
        assertEquals(List.of("a@example.com", "b@example.com", "c@example.com"), a.getTo());
        assertEquals("S", a.getSubject());
        assertEquals("T", a.getText());
        assertNull(a.getTextFile());
        assertEquals(html, a.getHtmlFile());
        assertEquals("me@example.com", a.getFrom());
        assertEquals(List.of(pdf, html), a.getAttachments());
    }

    @Test
    void queueWaitsThirtySecondsUnlessWaitSaysOtherwise() throws Exception {
        SendArguments plain = SendArguments.parse("--to", "a@example.com", "--subject", "S", "--text", "T");
        assertFalse(plain.isQueue());
        SendArguments queued = SendArguments.parse("--to", "a@example.com", "--subject", "S", "--text", "T", "--queue");
        assertTrue(queued.isQueue());
        assertEquals(Duration.ofSeconds(30), queued.getWait());
        assertEquals(Duration.ofSeconds(5), SendArguments.parse("--queue", "--wait", "5", "--to", "a@example.com", "--subject", "S",
                "--text", "T").getWait());
        assertEquals(Duration.ZERO, SendArguments.parse("--to", "a@example.com", "--subject", "S", "--text", "T", "--queue",
                "--wait=0").getWait());
    }

    @Test
    void waitIsRefusedWithoutQueueOrWithoutANumberOfSeconds() {
        assertMessage("--wait goes with --queue", "--to", "a@example.com", "--subject", "S", "--text", "T", "--wait", "5");
        assertMessage("--wait -1 is not a number of seconds (0 or more)", "--to", "a@example.com", "--subject", "S", "--text", "T",
                "--queue", "--wait", "-1");
        assertMessage("--wait soon is not a number of seconds", "--to", "a@example.com", "--subject", "S", "--text", "T",
                "--queue", "--wait", "soon");
        assertMessage("--queue takes no value", "--to", "a@example.com", "--subject", "S", "--text", "T", "--queue=yes");
    }

    @Test
    void commasInQuotedNamesDoNotSplit() {
        assertEquals(List.of("\"Doe, Jane\" <jane@example.com>", "bob@example.com"),
                SendArguments.splitAddresses("\"Doe, Jane\" <jane@example.com>, bob@example.com"));
        assertEquals(List.of("<a,b@example.com>"), SendArguments.splitAddresses("<a,b@example.com>"));
    }

    @Test
    void emptySubjectIsAllowed() throws Exception {
        assertEquals("", SendArguments.parse("--to", "a@example.com", "--subject", "", "--text", "").getSubject());
    }

    @Test
    void helpSkipsTheChecks() throws Exception {
        assertTrue(SendArguments.parse("--help").isHelp());
    }

    @Test
    void usageErrorsNameTheOption() throws IOException {
        Path text = Files.writeString(dir.resolve("t.txt"), "x");
        assertMessage("unknown option: --bogus", "--bogus");
        assertMessage("unknown option: --bogus", "--to", "a@example.com", "--bogus=1");
        assertMessage("--to needs a value", "--to");
        assertMessage("missing --to", "--subject", "s", "--text", "t");
        assertMessage("missing --subject", "--to", "a@example.com", "--text", "t");
        assertMessage("missing body", "--to", "a@example.com", "--subject", "s");
        assertMessage("either --text or --text-file", "--to", "a@example.com", "--subject", "s", "--text", "t", "--text-file", text.toString());
        assertMessage("--subject given twice", "--to", "a@example.com", "--subject", "s", "--subject", "t");
        assertMessage("unexpected argument: stray", "--to", "a@example.com", "stray");
        assertMessage("--to has an empty address", "--to", "a@example.com,,b@example.com");
        assertMessage("--attach: cannot read file", "--to", "a@example.com", "--subject", "s", "--text", "t",
                "--attach", dir.resolve("missing.pdf").toString());
        assertMessage("no such file", "--to", "a@example.com", "--subject", "s", "--text-file", dir.resolve("missing.txt").toString());
    }

    private static void assertMessage(String expected, String... args) {
        UsageException e = assertThrows(UsageException.class, () -> SendArguments.parse(args));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
