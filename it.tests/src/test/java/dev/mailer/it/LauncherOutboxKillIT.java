package dev.mailer.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.stream.Collectors;

import org.junit.Test;

import dev.mailer.it.support.Await;
import dev.mailer.it.support.LauncherProcess;
import dev.mailer.testsupport.smtp.TestSmtpServer.ReceivedMessage;
import dev.mailer.testsupport.smtp.TestSmtpServer.SmtpEvent;

/**
 * Issue 15's kill test: {@code serve} is killed with SIGKILL while 500 messages are queued and some
 * are being delivered; a second {@code serve} on the same {@code MAILER_DATA_DIR} delivers the rest.
 * None may be lost (every Message-ID arrives at least once); what was in flight at the kill may
 * arrive twice, at most one per delivery in flight ({@code smtp.max.connections}, 3). The figures go
 * to the test's output.
 */
public class LauncherOutboxKillIT extends LauncherOutboxTestBase {

    private static final int MESSAGES = 500;
    /** smtp.max.connections of the default configuration: the most deliveries in flight at once. */
    private static final int MAX_IN_FLIGHT = 3;
    /** How many the first serve delivers before it is killed. */
    private static final int DELIVERED_BEFORE_KILL = 100;
    private static final Duration QUEUEING_DEADLINE = Duration.ofMinutes(4);
    private static final Duration DRAIN_DEADLINE = Duration.ofMinutes(3);

    @Test
    public void serveKilledWithSigkillWhileDeliveringLosesNoMessageAndTheNextServeDeliversTheRest() throws Exception {
        long started = System.nanoTime();
        Map<String, String> queued = queueWhileTheServerIsDown();

        startSmtp(server -> server);
        LauncherProcess.Running first = start(env(), null, "serve");
        smtp.awaitMessages(DELIVERED_BEFORE_KILL, DRAIN_DEADLINE);
        // kill while a delivery is under way: a session is open at the server
        Await.until(() -> !openSessions().isEmpty(), SERVER_DEADLINE, () -> "an SMTP session of the first serve");
        long killedAt = System.nanoTime();
        first.kill(RUN_DEADLINE);
        int deliveredByFirst = smtp.messages().size();
        // the server sees each connection of the killed process end
        Await.until(() -> openSessions().isEmpty(), SERVER_DEADLINE, () -> "the server to see the killed sessions end: " + openSessions());
        Set<Integer> cut = cutSessions();

        LauncherProcess.Running second = start(env(), null, "serve");
        smtp.awaitMessages(MESSAGES, DRAIN_DEADLINE);
        Await.until(() -> arrived().keySet().containsAll(queued.values()), DRAIN_DEADLINE,
                () -> "every Message-ID; missing " + missing(queued) + " of " + MESSAGES);
        LauncherProcess.Result secondServe = second.terminate(RUN_DEADLINE);
        long drainedAt = System.nanoTime();

        Map<String, Long> arrivals = arrived();
        Map<String, Long> twice = arrivals.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        System.out.printf("[kill test] %d messages queued; the first serve delivered %d and was killed (SIGKILL) with %d SMTP"
                + " session(s) cut; the second serve delivered the rest; %d message(s) lost; %d arrived twice %s; %d messages"
                + " received in all; from the kill to the last delivery %d ms, whole test %d ms%n", MESSAGES, deliveredByFirst,
                cut.size(), missing(queued).size(), twice.size(), twice.keySet(), smtp.messages().size(),
                Duration.ofNanos(drainedAt - killedAt).toMillis(), Duration.ofNanos(drainedAt - started).toMillis());

        assertEquals("none lost", Set.of(), missing(queued));
        assertTrue("only queued messages arrive: " + arrivals.keySet(), queued.values().containsAll(arrivals.keySet()));
        assertTrue("at most the deliveries in flight at the kill arrive twice: " + twice, twice.size() <= MAX_IN_FLIGHT);
        assertTrue("no message arrives more than twice: " + twice, twice.values().stream().allMatch(n -> n == 2));
        assertTrue("a delivery was in flight at the kill (a session cut, or a message sent but not yet recorded)",
                cut.size() + twice.size() >= 1);
        assertEquals(secondServe.toString(), 143, secondServe.exit());

        LauncherProcess.Result list = launch("queue");
        assertEquals(list.toString(), 0, list.exit());
        assertTrue(list.toString(), list.stdout().contains("outbox: empty"));
    }

    /**
     * Queues the messages in one run of the shell (one {@code mailer:send --queue} per message) while
     * nothing listens at SMTP_PORT: every first attempt fails (connection refused) and is retried
     * seconds later, by the first serve.
     *
     * @return outbox id to Message-ID, as the command printed them
     */
    private Map<String, String> queueWhileTheServerIsDown() throws Exception {
        StringBuilder script = new StringBuilder();
        for (int i = 1; i <= MESSAGES; i++) {
            script.append("mailer:send --queue --wait 0 --to r").append(i).append("@example.org --subject kill-test-").append(i)
                    .append(" --text message-").append(i).append('\n');
        }
        script.append("mailer:queue\nstop 0\n");
        Path commands = Files.writeString(temp.getRoot().toPath().resolve("queue.gosh"), script, StandardCharsets.UTF_8);
        Map<String, String> env = env();
        // fewer retries while queueing: each one is a durable write of the message's state
        env.put("OUTBOX_RETRY_INITIAL", "PT5S");
        env.put("OUTBOX_RETRY_MAX", "PT5S");
        LauncherProcess.Result shell = start(env, commands).await(QUEUEING_DEADLINE);
        assertEquals("the shell ends with stop 0: " + shell.exit(), 0, shell.exit());
        Map<String, String> queued = new LinkedHashMap<>();
        Matcher line = QUEUED.matcher(shell.stdout().replace("g! ", ""));
        while (line.find()) {
            queued.put(line.group(1), line.group(2));
        }
        assertEquals("every message queued, each with its own Message-ID", MESSAGES, new TreeSet<>(queued.values()).size());
        assertTrue("mailer:queue lists them: " + shell.stdout().lines().filter(l -> l.contains("outbox:")).collect(Collectors.toList()),
                shell.stdout().contains("outbox: " + MESSAGES + " to deliver"));
        return queued;
    }

    /** Message-ID to how often it arrived. */
    private Map<String, Long> arrived() {
        return smtp.messages().stream().collect(Collectors.groupingBy(LauncherOutboxTestBase::messageId, Collectors.counting()));
    }

    private Set<String> missing(Map<String, String> queued) {
        Set<String> missing = new TreeSet<>(queued.values());
        missing.removeAll(arrived().keySet());
        return missing;
    }

    /** Connections the server has not seen end yet. */
    private Set<Integer> openSessions() {
        return connections(e -> e.verb().equals("CONNECT"), e -> e.verb().equals("DISCONNECT"));
    }

    /** Connections that ended without QUIT: the client went away in the middle. */
    private Set<Integer> cutSessions() {
        return connections(e -> e.verb().equals("CONNECT"), e -> e.isCommand() && e.verb().equals("QUIT"));
    }

    /** The connections with an event {@code opened} and none {@code closed}. */
    private Set<Integer> connections(java.util.function.Predicate<SmtpEvent> opened, java.util.function.Predicate<SmtpEvent> closed) {
        List<SmtpEvent> events = smtp.events();
        Function<java.util.function.Predicate<SmtpEvent>, Set<Integer>> ids = which -> events.stream().filter(which)
                .map(SmtpEvent::connection).collect(Collectors.toCollection(TreeSet::new));
        Set<Integer> result = ids.apply(opened);
        result.removeAll(ids.apply(closed));
        return result;
    }
}
