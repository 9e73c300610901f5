package dev.mailer.launcher.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class CommandArgumentsTest {

    @Test
    void checkSendsNothingUnlessSendToIsGiven() throws Exception {
        assertNull(CheckArguments.parse().getSendTo());
        assertEquals("ops@example.com", CheckArguments.parse("--send-to", "ops@example.com").getSendTo());
        assertEquals("ops@example.com", CheckArguments.parse("--send-to=ops@example.com").getSendTo());
        assertMessage("--send-to needs a value", () -> CheckArguments.parse("--send-to"));
        assertMessage("--send-to given twice", () -> CheckArguments.parse("--send-to", "a@example.com", "--send-to", "b@example.com"));
    }

    @Test
    void encryptAndReencryptTakeNoOptionsButHelp() throws Exception {
        assertFalse(Commands.parseForHelp("encrypt", new String[0]));
        assertTrue(Commands.parseForHelp("reencrypt", new String[] {"--help"}));
        assertMessage("unknown option: --all", () -> Commands.parseForHelp("reencrypt", new String[] {"--all"}));
        for (String[] args : new String[][] {{"s3cret"}, {"--value", "s3cret"}, {"--value=s3cret"}, {"--help", "s3cret"}}) {
            UsageException e = assertThrows(UsageException.class, () -> Commands.parseForHelp("encrypt", args));
            assertTrue(e.getMessage().startsWith("encrypt takes no arguments: it reads the value from stdin"), e.getMessage());
            assertFalse(e.getMessage().contains("s3cret"), "never repeats what may be the secret: " + e.getMessage());
        }
    }

    @Test
    void tokenPrintsTheTokenOnlyWithPrint() throws Exception {
        assertFalse(TokenArguments.parse().isPrint());
        assertTrue(TokenArguments.parse("--print").isPrint());
        assertMessage("--print takes no value", () -> TokenArguments.parse("--print=yes"));
        assertMessage("unknown option: --show", () -> TokenArguments.parse("--show"));
    }

    @Test
    void authorizeOptions() throws Exception {
        AuthorizeArguments defaults = AuthorizeArguments.parse();
        assertFalse(defaults.isDevice());
        assertNull(defaults.getRedirectUri());
        assertNull(defaults.getTimeout());
        assertTrue(AuthorizeArguments.parse("--device").isDevice());
        AuthorizeArguments code = AuthorizeArguments.parse("--redirect-uri", "http://localhost:9000/cb", "--timeout", "90");
        assertEquals("http://localhost:9000/cb", code.getRedirectUri());
        assertEquals(Duration.ofSeconds(90), code.getTimeout());
        assertMessage("--timeout 0 is not a positive number of seconds", () -> AuthorizeArguments.parse("--timeout", "0"));
        assertMessage("--redirect-uri is for the authorization-code flow",
                () -> AuthorizeArguments.parse("--device", "--redirect-uri", "http://localhost:1/cb"));
        assertMessage("is not an http://localhost:PORT/... URL", () -> AuthorizeArguments.parse("--redirect-uri", "https://example.com/cb"));
    }

    @Test
    void queueListsWithoutAnActionAndRetriesOrPurgesOneIdOrEveryDeadLetter() throws Exception {
        assertEquals(QueueArguments.Action.LIST, QueueArguments.parse().getAction());
        assertEquals(QueueArguments.Action.LIST, QueueArguments.parse("list").getAction());
        QueueArguments retry = QueueArguments.parse("retry", "0001-ab");
        assertEquals(QueueArguments.Action.RETRY, retry.getAction());
        assertEquals("0001-ab", retry.getId());
        assertFalse(retry.isAllDead());
        QueueArguments allDead = QueueArguments.parse("retry", "--all-dead");
        assertTrue(allDead.isAllDead());
        assertNull(allDead.getId());
        QueueArguments purge = QueueArguments.parse("purge", "0001-ab");
        assertEquals(QueueArguments.Action.PURGE, purge.getAction());
        assertEquals("0001-ab", purge.getId());
        assertTrue(QueueArguments.parse("purge", "--help").isHelp());
    }

    @Test
    void queueUsageErrorsNameWhatIsMissingOrWrong() {
        assertMessage("queue retry needs the ID of a message (as `queue` lists it) or --all-dead", () -> QueueArguments.parse("retry"));
        assertMessage("queue retry takes an ID or --all-dead, not both", () -> QueueArguments.parse("retry", "0001-ab", "--all-dead"));
        assertMessage("queue purge needs the ID of a message", () -> QueueArguments.parse("purge"));
        assertMessage("unknown option: --all-dead", () -> QueueArguments.parse("purge", "--all-dead"));
        assertMessage("unknown queue action: flush (queue, queue retry ID|--all-dead, queue purge ID)",
                () -> QueueArguments.parse("flush"));
        assertMessage("unexpected argument: 0002", () -> QueueArguments.parse("purge", "0001", "0002"));
        assertMessage("unknown queue action: 0001", () -> QueueArguments.parse("0001"));
    }

    @Test
    void serveTakesNoOptions() throws Exception {
        assertFalse(ServeArguments.parse().isHelp());
        assertTrue(ServeArguments.parse("--help").isHelp());
        assertMessage("unknown option: --port", () -> ServeArguments.parse("--port", "25"));
        assertMessage("unexpected argument: now", () -> Commands.parseForHelp("serve", new String[] {"now"}));
    }

    @Test
    void trustNeedsTheFileToSaveTo() throws Exception {
        assertEquals("ca.pem", TrustArguments.parse("--save", "ca.pem").getSave());
        assertFalse(TrustArguments.parse("--save", "ca.pem").isYes());
        assertTrue(TrustArguments.parse("--save", "ca.pem", "--yes").isYes());
        assertTrue(TrustArguments.parse("--help").isHelp());
        assertMessage("trust needs --save FILE", () -> TrustArguments.parse("--yes"));
    }

    @Test
    void everyCommandIsCheckedBeforeTheFrameworkStarts() throws Exception {
        assertTrue(Commands.parseForHelp("check", new String[] {"--help"}));
        assertFalse(Commands.parseForHelp("token", new String[] {"--print"}));
        assertMessage("unknown command: mail (commands: send, serve, queue, check, trust, token, authorize, encrypt, reencrypt, relay-user)", () -> Commands.parseForHelp("mail", new String[0]));
        assertMessage("unknown option: --bogus", () -> Commands.parseForHelp("--bogus", new String[0]));
        assertMessage("unexpected argument: now", () -> Commands.parseForHelp("authorize", new String[] {"now"}));
    }

    @Test
    void relayUserTakesOneNameADeviceCanTypeAndNeverThePassword() throws Exception {
        assertEquals("scanner-3.floor@printers", RelayUserArguments.parse("scanner-3.floor@printers").name());
        assertMessage("relay-user takes the user's name, and reads its password from stdin", () -> RelayUserArguments.parse());
        assertMessage("relay-user takes the user's name", () -> RelayUserArguments.parse("scanner", "s3cret"));
        assertMessage("a user name is 1 to 64 letters, digits or @ . _ + -", () -> RelayUserArguments.parse("scan:ner"));
    }

    private interface Parse {
        Object run() throws UsageException;
    }

    private static void assertMessage(String expected, Parse parse) {
        UsageException e = assertThrows(UsageException.class, parse::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
