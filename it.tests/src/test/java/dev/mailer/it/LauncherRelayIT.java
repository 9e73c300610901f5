package dev.mailer.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.Rule;
import org.junit.Test;

import dev.mailer.it.support.ChildProcesses;
import dev.mailer.it.support.LauncherProcess;
import dev.mailer.testsupport.smtp.SmtpDialogue;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * Issue 20's relay as an operator runs it: {@code serve} with {@code RELAY_PORT} and {@code RELAY_NETWORKS},
 * a device speaking plain SMTP to it on loopback, and the upstream the Office 365 stand-in of
 * {@link LauncherOAuthTestBase} (STARTTLS, XOAUTH2 with tokens of the OAuth2 server, app-only grant).
 */
public class LauncherRelayIT extends LauncherOAuthTestBase {

    private static final Pattern LISTENING = Pattern.compile("relay: listens on 127\\.0\\.0\\.1:(\\d+);");
    private static final Duration DELIVERY_DEADLINE = Duration.ofSeconds(60);

    @Rule
    public final ChildProcesses children = new ChildProcesses();

    @Test
    public void aDeviceOfAnAllowedNetworkRelaysAHundredMessagesAndEachArrivesOnceOverStartTlsAndXoauth2() throws Exception {
        LauncherProcess.Running serve = serve();
        int relayPort = relayPort(serve);

        try (SmtpDialogue device = new SmtpDialogue(relayPort)) {
            device.command("HELO scanner");
            for (int i = 1; i <= 100; i++) {
                assertEquals("250 Ok", device.command("MAIL FROM:<" + MAILBOX + ">"));
                assertEquals("250 Ok", device.command("RCPT TO:<" + RECIPIENT + ">"));
                String reply = device.data("Subject: relayed " + i + "\n\npage " + i + "\n");
                assertTrue(reply, reply.startsWith("250 2.0.0 Queued as "));
            }
        }

        List<TestSmtpServer.ReceivedMessage> received = smtp.awaitMessages(100, DELIVERY_DEADLINE);
        List<String> subjects = received.stream().map(LauncherRelayIT::subject).sorted().collect(Collectors.toList());
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            expected.add("relayed " + i);
        }
        Collections.sort(expected);
        assertEquals("each once", expected, subjects);
        assertTrue("over STARTTLS, logged in with XOAUTH2 as the mailbox", received.stream()
                .allMatch(m -> m.tls() && MAILBOX.equals(m.authenticatedUser())));
        assertNoSecretIn(serve.terminate(RUN_DEADLINE));
    }

    @Test
    public void withTheUpstreamDownTheDeviceHears250AndTheMessageArrivesAfterTheContainerWasKilled() throws Exception {
        int upstreamPort = smtp.port();
        smtp.close();
        Map<String, String> env = relayEnv();
        LauncherProcess.Running first = start(env);
        int relayPort = relayPort(first);

        try (SmtpDialogue device = new SmtpDialogue(relayPort)) {
            device.command("HELO scanner");
            device.command("MAIL FROM:<" + MAILBOX + ">");
            device.command("RCPT TO:<" + RECIPIENT + ">");
            String reply = device.data("Subject: accepted while the upstream was down\n\nscan\n");
            assertTrue(reply, reply.startsWith("250 2.0.0 Queued as "));
        }
        first.kill(RUN_DEADLINE); // SIGKILL: no shutdown, no delivery

        restartSmtp(server -> server.port(upstreamPort));
        start(env);

        List<TestSmtpServer.ReceivedMessage> received = smtp.awaitMessages(1, DELIVERY_DEADLINE);
        assertEquals("accepted while the upstream was down", subject(received.get(0)));
    }

    @Test
    public void checkSaysTheRelayRelaysNothingWithoutNetworksOrUsersAndTakesNoPortForIt() throws Exception {
        Map<String, String> env = env("office365-app");
        try (ServerSocket servePort = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            env.put("RELAY_PORT", String.valueOf(servePort.getLocalPort())); // held here: check must not need it

            LauncherProcess.Result check = LauncherProcess.run(workDir, env, temp.getRoot().toPath().resolve("output-check"),
                    RUN_DEADLINE, "check");

            assertEquals(check.toString(), 0, check.exit());
            assertTrue(check.toString(), check.stdout().contains("WARN    relay         would listen on 127.0.0.1:"
                    + servePort.getLocalPort() + " (serve listens; this command does not), but relays nothing: neither"
                    + " relay.networks nor relay.users is set (never an open relay)"));
            assertTrue(check.toString(), check.stdout().contains("fix: set relay.networks (launcher: RELAY_NETWORKS"));
        }
    }

    private LauncherProcess.Running serve() throws Exception {
        return start(relayEnv());
    }

    private Map<String, String> relayEnv() {
        Map<String, String> env = env("office365-app");
        env.put("RELAY_PORT", "0"); // a free port; the log says which
        env.put("RELAY_NETWORKS", "127.0.0.1/32");
        env.put("RELAY_MESSAGES_PER_MINUTE_PER_CLIENT", "1000");
        env.put("OUTBOX_RETRY_INITIAL", "PT1S");
        env.put("OUTBOX_RETRY_MAX", "PT2S");
        // the profile keeps to Exchange Online's 30 messages a minute; the test server takes any number
        env.put("SMTP_RATE_PER_MINUTE", "6000");
        return env;
    }

    private LauncherProcess.Running start(Map<String, String> env) throws Exception {
        return children.add(LauncherProcess.start(workDir, env, temp.getRoot().toPath().resolve("output-" + children.size()),
                "serve"));
    }

    private static int relayPort(LauncherProcess.Running serve) throws Exception {
        Matcher listening = serve.awaitStderr(LISTENING, RUN_DEADLINE);
        return Integer.parseInt(listening.group(1));
    }

    private static String subject(TestSmtpServer.ReceivedMessage message) {
        String data = new String(message.data(), StandardCharsets.UTF_8);
        Matcher subject = Pattern.compile("(?m)^Subject: (.*?)\\r?$").matcher(data);
        return subject.find() ? subject.group(1) : "(no subject)";
    }
}
