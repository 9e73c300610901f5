package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;

import dev.mailer.it.support.LauncherProcess;
import dev.mailer.testsupport.smtp.TestSmtpServer.ReceivedMessage;

/**
 * The outbox from the command line: {@code send --queue} against a server that is down, {@code queue}
 * with its list and exit codes, {@code queue retry} and {@code queue purge}, and {@code serve}
 * delivering what earlier runs left and stopping on SIGTERM. Each command is a run of
 * {@code mailer.jar} of its own on one {@code MAILER_DATA_DIR}, as an operator or a cron job runs them.
 */
public class LauncherOutboxIT extends LauncherOutboxTestBase {

    /** SIGTERM ends the JVM with 128 + 15 once the shutdown hook has stopped the framework. */
    private static final int EXIT_AFTER_SIGTERM = 143;

    @Test
    public void sendQueueWhileTheServerIsDownExitsZeroSayingQueuedAndServeDeliversItOnceTheServerIsUp() throws Exception {
        LauncherProcess.Result send = launch("send", "--queue", "--wait", "2", "--to", RECIPIENT, "--subject", "Queued while down",
                "--text", "Delivered later");

        assertEquals("exit 0: safely queued: " + send, 0, send.exit());
        Matcher queued = queuedLine(send);
        String id = queued.group(1);
        String messageId = queued.group(2);
        assertThat(send.toString(), send.stdout(), containsString("still queued " + id + ": not delivered within 2 s (last attempt: Cannot connect to 127.0.0.1:" + smtpPort));
        assertThat(send.toString(), send.stdout(), containsString("the next serve (or any command) on this MAILER_DATA_DIR delivers it"));

        LauncherProcess.Result list = launch("queue");
        assertEquals("no dead letter: exit 0; " + list, 0, list.exit());
        // the run of queue tries it too (every run delivers what is due): it may be at it right now
        assertTrue(list.toString(), Pattern.compile(Pattern.quote(id) + " (WAITING|SENDING) ").matcher(list.stdout()).find());
        assertThat(list.toString(), list.stdout(), containsString(messageId + " " + RECIPIENT));
        assertThat(list.toString(), list.stdout(), containsString("last error: Cannot connect to 127.0.0.1:" + smtpPort));
        assertThat(list.toString(), list.stdout(), containsString("outbox: 1 to deliver"));

        startSmtp(server -> server);
        LauncherProcess.Running serve = start(env(), null, "serve");
        serve.awaitStderr(Pattern.compile("MailOutbox - Delivered " + id + " \\(" + Pattern.quote(messageId) + "\\) to \\[" + RECIPIENT
                + "\\] after \\d+ attempt"), SERVER_DEADLINE);
        LauncherProcess.Result served = serve.terminate(RUN_DEADLINE);

        assertEquals("SIGTERM ends serve through the shutdown hook: " + served, EXIT_AFTER_SIGTERM, served.exit());
        assertThat(served.toString(), served.stderr(), containsString("mailer: serving the outbox: 1 to deliver"));
        List<ReceivedMessage> received = smtp.messages();
        assertEquals("delivered once: " + received, 1, received.size());
        assertEquals(messageId, messageId(received.get(0)));
        assertEquals(List.of(RECIPIENT), received.get(0).recipients());
        assertEquals(FROM, received.get(0).mailFrom());

        LauncherProcess.Result after = launch("queue");
        assertEquals(after.toString(), 0, after.exit());
        assertThat(after.toString(), after.stdout(), containsString("outbox: empty"));
    }

    @Test
    public void sendQueueWhileServeRunsOnTheSameDataDirIsDeliveredOnce() throws Exception {
        startSmtp(server -> server);
        LauncherProcess.Running serve = start(env(), null, "serve");
        serve.awaitStderr(Pattern.compile("mailer: serving the outbox: empty"), RUN_DEADLINE);

        LauncherProcess.Result send = launch("send", "--queue", "--to", RECIPIENT, "--subject", "Next to serve", "--text", "t");

        assertEquals(send.toString(), 0, send.exit());
        String id = queuedLine(send).group(1);
        assertThat(send.toString(), send.stdout(), containsString("delivered " + id + ": 250"));
        smtp.awaitMessages(1, SERVER_DEADLINE);
        serve.terminate(RUN_DEADLINE);
        assertEquals("one process delivers it, once: " + smtp.messages(), 1, smtp.messages().size());
        assertEquals(queuedLine(send).group(2), messageId(smtp.messages().get(0)));
    }

    @Test
    public void deadLettersMakeQueueExitThreeUntilRetriedAndDeliveredOrPurged() throws Exception {
        startSmtp(server -> server.refuseRecipient("nobody@example.org", "550 5.1.1 <nobody@example.org>: Recipient address rejected"));
        // refused once: a dead letter at once (a 5xx is permanent), which a retry then delivers
        smtp.answerNext("MAIL", 1, "550 5.7.1 Sender refused for now");
        LauncherProcess.Result refused = launch("send", "--queue", "--to", RECIPIENT, "--subject", "Refused once", "--text", "t");
        LauncherProcess.Result nobody = launch("send", "--queue", "--to", "nobody@example.org", "--subject", "To nobody", "--text", "t");

        for (LauncherProcess.Result dead : List.of(refused, nobody)) {
            assertEquals("a dead letter is a permanent failure: " + dead, 1, dead.exit());
            String id = queuedLine(dead).group(1);
            assertThat(dead.toString(), dead.stderr(), containsString("mailer: " + id + " is a dead letter; a dead letter stays in the"
                    + " outbox until `queue retry " + id + "` (once the cause is fixed) or `queue purge " + id + "`"));
        }
        assertThat(refused.toString(), refused.stderr(), containsString("550 5.7.1 Sender refused for now"));
        assertThat(nobody.toString(), nobody.stderr(), containsString("550 5.1.1"));
        String retried = queuedLine(refused).group(1);
        String purged = queuedLine(nobody).group(1);

        LauncherProcess.Result list = launch("queue");
        assertEquals("dead letters: exit 3, for a cron job to alert; " + list, 3, list.exit());
        assertThat(list.toString(), list.stdout(), containsString(retried + " DEAD"));
        assertThat(list.toString(), list.stdout(), containsString(purged + " DEAD"));
        assertThat(list.toString(), list.stdout(), containsString("never (dead)"));
        assertThat(list.toString(), list.stdout(), containsString("last error: "));
        assertThat(list.toString(), list.stdout(), containsString("outbox: 0 to deliver, 2 dead letters"));
        assertThat(list.toString(), list.stderr(), containsString("mailer: the outbox holds 2 dead letter(s)"));

        LauncherProcess.Result retry = launch("queue", "retry", retried);
        assertEquals(retry.toString(), 0, retry.exit());
        assertThat(retry.toString(), retry.stdout(), containsString(retried + " is due now"));
        LauncherProcess.Result purge = launch("queue", "purge", purged);
        assertEquals(purge.toString(), 0, purge.exit());
        assertThat(purge.toString(), purge.stdout(), containsString("purged " + purged + ": it will not be delivered"));

        // the retried message goes out in the run of retry or purge, or else in serve's
        LauncherProcess.Running serve = start(env(), null, "serve");
        List<ReceivedMessage> received = smtp.awaitMessages(1, SERVER_DEADLINE);
        serve.awaitStderr(Pattern.compile("mailer: serving the outbox"), RUN_DEADLINE);
        serve.terminate(RUN_DEADLINE);
        assertEquals("the retried message arrives once, the purged one never: " + smtp.messages(), 1, smtp.messages().size());
        assertEquals(queuedLine(refused).group(2), messageId(received.get(0)));
        assertEquals(List.of(RECIPIENT), received.get(0).recipients());

        LauncherProcess.Result after = launch("queue");
        assertEquals("no dead letter left: exit 0; " + after, 0, after.exit());
        assertThat(after.toString(), after.stdout(), containsString("outbox: empty"));
        assertThat(after.toString(), after.stdout(), not(containsString(purged)));
    }

    @Test
    public void queueUsageErrorsExitTwoAndAnUnknownIdExitsOne() throws Exception {
        LauncherProcess.Result noId = launch("queue", "purge");
        assertEquals(noId.toString(), 2, noId.exit());
        assertThat(noId.toString(), noId.stderr(), containsString("mailer: queue purge needs the ID of a message"));

        String unknown = "0000000000000-0000000000000000";
        LauncherProcess.Result missing = launch("queue", "retry", unknown);
        assertEquals(missing.toString(), 1, missing.exit());
        assertThat(missing.toString(), missing.stderr(), containsString("mailer: no message " + unknown + " in the outbox"));

        LauncherProcess.Result notAnId = launch("queue", "purge", "../../etc/passwd");
        assertEquals(notAnId.toString(), 2, notAnId.exit());
        assertThat(notAnId.toString(), notAnId.stderr(), containsString("not an outbox id: ../../etc/passwd"));

        LauncherProcess.Result allDead = launch("queue", "retry", "--all-dead");
        assertEquals(allDead.toString(), 0, allDead.exit());
        assertThat(allDead.toString(), allDead.stdout(), containsString("0 dead letter(s) due again now"));
    }
}
