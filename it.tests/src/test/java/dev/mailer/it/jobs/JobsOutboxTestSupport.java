package dev.mailer.it.jobs;

import java.io.IOException;
import java.time.Duration;

import org.ops4j.pax.exam.ProbeBuilder;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.osgi.framework.Constants;

import dev.mailer.api.MailService;
import dev.mailer.api.outbox.Outbox;
import dev.mailer.it.MailerTestSupport;
import dev.mailer.it.support.MailConfig;
import dev.mailer.it.support.Services;
import dev.mailer.it.support.SlingClusterPlatform;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/** What the tests of the outbox on Sling Jobs share: the Sling cluster platform, the topic, the jobs outbox's readiness. */
public abstract class JobsOutboxTestSupport extends MailerTestSupport {

    /** The topic of the unnamed mail service's jobs. */
    protected static final String TOPIC = "dev/mailer/send";

    /** A fixed symbolic name, so that the platform's service user mapping applies to the probe. */
    @ProbeBuilder
    public TestProbeBuilder probe(TestProbeBuilder probe) {
        probe.setHeader(Constants.BUNDLE_SYMBOLICNAME, SlingClusterPlatform.PROBE_SYMBOLIC_NAME);
        return probe;
    }

    /** The outbox settings of the tests: retries within a second, so that a test waits for seconds, not minutes. */
    protected MailConfig jobsConfig(int port) {
        return MailConfig.server(port).plainRelay().login(USER, password())
                .set("outbox.retry.initial", "PT0.5S").set("outbox.retry.max", "PT1S");
    }

    /** The JobManager, once Sling Event runs (Oak and the topology take longer than a single service). */
    SlingJobsView.JobManagerView jobManager() {
        return SlingJobsView.await(context, platformDeadline());
    }

    /**
     * Waits until the mail service delivers through Sling Jobs (its executor for {@code topic} is registered) and
     * returns that mail service: DS replaces the instance when the JobManager comes, so one obtained before (from
     * {@code configure}) may be the stopped one, which refuses every message.
     */
    protected MailService awaitJobsOutbox(String topic) {
        SlingJobsView.awaitExecutor(context, topic, platformDeadline());
        return context.getService(Services.await(context, MailService.class, null, deadline(), () -> "the mail service on Sling Jobs"));
    }

    protected Outbox outbox() {
        return context.getService(Services.await(context, Outbox.class, null, deadline(), () -> "the Outbox service"));
    }

    protected static int closedPort() throws IOException {
        try (TestSmtpServer probe = TestSmtpServer.builder().withoutTls().start()) {
            return probe.port();
        }
    }

    protected static Duration platformDeadline() {
        return Duration.ofSeconds(90);
    }
}
