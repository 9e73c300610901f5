package dev.mailer.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.mailer.api.MailService;
import dev.mailer.api.QueuedMail;
import dev.mailer.it.health.CheckResult;
import dev.mailer.it.health.HealthChecks;
import dev.mailer.it.health.MetricValues;
import dev.mailer.it.smtp.GreenMailServer;
import dev.mailer.it.support.Await;
import dev.mailer.it.support.SlingPlatform;

/**
 * Health checks and metrics in a Felix with Felix Health Checks and Sling Commons Metrics
 * ({@link dev.mailer.it.support.SlingPlatform}), with the .cfg.json configuration of the deployed
 * runtime (SMTPS): the {@code mailer} checks, run through the health check executor, go red when
 * the SMTP server stops and green again when it is back; the metric counts equal the sends and
 * failures. The SMTP check runs every second here.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HealthIT extends MailerTestSupport {

    private GreenMailServer smtps;

    @Override
    @Configuration
    public Option[] configuration() {
        return SlingPlatform.with(super.configuration());
    }

    @Before
    public void checkTheSmtpServerEverySecond() {
        HealthChecks.configure(context, configAdmin(), HealthChecks.SMTP_PID,
                Map.of("hc.async.intervalInSec", 1L, "timeout", "PT10S"));
    }

    @After
    public void stopServer() {
        if (smtps != null) {
            smtps.close();
        }
    }

    private void startServer() {
        smtps = GreenMailServer.smtps(port(), USER, password());
    }

    private static int port() {
        return Integer.parseInt(env("SMTP_PORT"));
    }

    @Test
    public void theMailerChecksGoRedWhenTheSmtpServerStopsAndGreenWhenItIsBack() {
        startServer();
        awaitMailService();
        HealthChecks.await(context, HealthChecks.SMTP, r -> r.is("OK") && r.says("accepted the configured login"), deadline(),
                "to pass against the running server");
        List<CheckResult> all = HealthChecks.execute(context, HealthChecks.MAILER);
        assertEquals(all.toString(), Set.of(HealthChecks.CONFIGURATION, HealthChecks.SMTP, HealthChecks.OUTBOX),
                all.stream().map(CheckResult::name).collect(Collectors.toSet()));
        assertTrue(all.toString(), all.stream().allMatch(r -> r.is("OK")));

        smtps.close();
        CheckResult down = HealthChecks.await(context, HealthChecks.SMTP, r -> r.is("CRITICAL"), deadline(),
                "to go red once the server is gone");
        assertTrue(down.toString(), down.says("connect FAIL: Cannot connect to") && down.says(":" + port()));

        startServer();
        HealthChecks.await(context, HealthChecks.SMTP, r -> r.is("OK") && r.says("accepted the configured login"), deadline(),
                "to be green again once the server is back");
    }

    @Test
    public void theConfigurationCheckIsGreenWithTheServersSettingsAndTaggedSystemReady() {
        awaitMailService();

        List<CheckResult> ready = HealthChecks.execute(context, "systemready");

        assertEquals(1, ready.size());
        CheckResult configuration = ready.get(0);
        assertEquals(HealthChecks.CONFIGURATION, configuration.name());
        assertTrue(configuration.toString(), configuration.is("OK"));
        assertTrue(configuration.toString(), configuration.says("Mail service configuration: localhost:" + port()
                + ", TLS from the first byte (smtp.ssl), password as " + USER));
        assertTrue(configuration.toString(), configuration.says("The OAuth2 token provider is not configured"));
    }

    @Test
    public void metricCountsEqualTheSendsAndFailures() {
        startServer();
        MailService mail = mailService();
        long sent = MetricValues.count(context, "mailer.messages.sent");
        long failed = MetricValues.count(context, "mailer.messages.failed");
        long timed = MetricValues.count(context, "mailer.send.time");

        for (int i = 0; i < 3; i++) {
            send(mail, simpleMail("counted " + i, "jane@example.com"));
        }
        smtps.close();
        for (int i = 0; i < 2; i++) {
            sendFails(mail, simpleMail("refused " + i, "jane@example.com"));
        }

        assertEquals(3, MetricValues.count(context, "mailer.messages.sent") - sent);
        assertEquals(2, MetricValues.count(context, "mailer.messages.failed") - failed);
        assertEquals(5, MetricValues.count(context, "mailer.send.time") - timed);
    }

    @Test
    public void theOutboxCheckWarnsWhileMessagesWaitAndItsRetriesAndDeliveryAreCounted() throws Exception {
        HealthChecks.configure(context, configAdmin(), HealthChecks.OUTBOX_PID, Map.of("depth.max", 0));
        try {
            outboxWarnsThenDelivers(mailService());
        } finally {
            configAdmin().getConfiguration(HealthChecks.OUTBOX_PID, "?").delete();
        }
    }

    private void outboxWarnsThenDelivers(MailService mail) throws Exception {
        long retried = MetricValues.count(context, "mailer.messages.retried");
        long sent = MetricValues.count(context, "mailer.messages.sent");

        QueuedMail queued = mail.enqueue(simpleMail("waits for the server", "jane@example.com"));
        HealthChecks.await(context, HealthChecks.OUTBOX, r -> r.is("WARN") && r.says("1 messages wait for delivery, more than"
                + " depth.max=0"), deadline(), "to warn while the server is down");
        Await.until(() -> MetricValues.count(context, "mailer.messages.retried") > retried, deadline(),
                () -> "a failed attempt to be counted as a retry");
        startServer();
        queued.completion().toCompletableFuture().get(deadline().toSeconds(), TimeUnit.SECONDS);

        HealthChecks.await(context, HealthChecks.OUTBOX, r -> r.is("OK") && r.says("0 message(s) to deliver"), deadline(),
                "to be green once the message is delivered");
        assertEquals(1, MetricValues.count(context, "mailer.messages.sent") - sent);
    }
}
