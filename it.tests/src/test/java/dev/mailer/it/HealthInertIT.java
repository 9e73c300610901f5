package dev.mailer.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import dev.mailer.it.health.BundleInspection;
import dev.mailer.it.smtp.GreenMailServer;
import dev.mailer.it.support.LogFile;

/**
 * mailer-health in the plain Felix the launcher is, without Felix Health Checks or Sling Commons
 * Metrics: it resolves and starts, none of its checks is ever created (they are delayed components
 * nobody asks for), nothing is logged about it, and mail is sent as always.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HealthInertIT extends MailerTestSupport {

    private static final String HEALTH_BUNDLE = "dev.mailer.mailer-health";

    private GreenMailServer smtps;

    @After
    public void stopServer() {
        if (smtps != null) {
            smtps.close();
        }
    }

    @Test
    public void withoutHealthChecksAndMetricsMailerHealthIsActiveButInertAndMailIsSent() {
        smtps = GreenMailServer.smtps(Integer.parseInt(env("SMTP_PORT")), USER, password());
        send(mailService(), simpleMail("sent without metrics or health checks", "jane@example.com"));
        smtps.awaitDeliveries(1, deadline());

        Bundle health = List.of(context.getBundles()).stream().filter(b -> HEALTH_BUNDLE.equals(b.getSymbolicName()))
                .findFirst().orElseThrow(() -> new AssertionError(HEALTH_BUNDLE + " is installed"));
        assertEquals(Bundle.ACTIVE, health.getState());
        Map<String, String> states = BundleInspection.componentStates(context, HEALTH_BUNDLE);
        assertEquals(states.toString(), Map.of(
                "dev.mailer.health.impl.ConfigurationCheck", "SATISFIED",
                "dev.mailer.health.impl.OutboxCheck", "SATISFIED",
                "dev.mailer.health.impl.SmtpCheck", "SATISFIED",
                // no token provider is configured here
                "dev.mailer.health.impl.TokenCheck", "UNSATISFIED_REFERENCE"), states);
        assertEquals(List.of(), BundleInspection.logProblems(context, HEALTH_BUNDLE, "dev.mailer.health"));
        List<String> logged = LogFile.lines().stream()
                .filter(line -> line.contains("dev.mailer.health") || line.contains("org.apache.felix.hc")
                        || line.contains("Sling Commons Metrics") || line.contains("NoClassDefFoundError"))
                .collect(Collectors.toList());
        assertTrue("nothing logged about health checks or metrics: " + logged, logged.isEmpty());
    }
}
