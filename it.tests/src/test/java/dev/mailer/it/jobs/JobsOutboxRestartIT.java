package dev.mailer.it.jobs;

import static org.junit.Assert.assertEquals;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.FixMethodOrder;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestName;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;

import dev.mailer.api.MailService;
import dev.mailer.api.outbox.OutboxEntry;
import dev.mailer.it.support.Await;
import dev.mailer.it.support.LogFile;
import dev.mailer.it.support.SlingClusterPlatform;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * An instance stopped with 100 jobs queued while the SMTP server is down, and started again on the same
 * repository: every message arrives once the server is back, each once. Each test method runs in a framework
 * of its own ({@link PerMethod}), in name order, on one repository ({@link SlingClusterPlatform#withRepositoryKept});
 * the SMTP port is chosen once by the driver and handed to both frameworks as a system property.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class JobsOutboxRestartIT extends JobsOutboxTestSupport {

    private static final String PORT_PROPERTY = "mailer.it.jobs.restart.port";
    private static final int MESSAGES = 100;
    private static final Pattern SUBJECT = Pattern.compile("(?m)^Subject: (restart \\d+)\\r?$");

    /** Chosen once in the driver JVM, for both frameworks. */
    private static int port;

    @Rule
    public TestName method = new TestName();

    @Override
    @Configuration
    public Option[] configuration() {
        synchronized (JobsOutboxRestartIT.class) {
            if (port == 0) {
                try {
                    port = closedPort();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return OptionUtils.combine(SlingClusterPlatform.withRepositoryKept(getClass(), super.configuration()),
                systemProperty(PORT_PROPERTY).value(Integer.toString(port)));
    }

    /** Keeps this framework's log: both frameworks log into the one file of the class, and the second starts it anew. */
    @After
    public void keepTheLog() throws IOException {
        Path log = LogFile.path();
        if (Files.exists(log)) {
            Files.copy(log, log.resolveSibling(getClass().getSimpleName() + "-" + method.getMethodName() + ".log"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static int smtpPort() {
        return Integer.getInteger(PORT_PROPERTY);
    }

    @Test
    public void a_aHundredJobsAreQueuedWhileTheServerIsDownAndTheFrameworkStops() {
        jobManager();
        configure(jobsConfig(smtpPort()));
        MailService mail = awaitJobsOutbox(TOPIC);

        for (int i = 0; i < MESSAGES; i++) {
            try {
                mail.enqueue(simpleMail("restart " + i, "jane@example.com"));
            } catch (dev.mailer.api.MailException e) {
                throw new AssertionError("enqueue failed: " + e.getMessage());
            }
        }

        Await.until(() -> outbox().snapshot().getEntries().size() == MESSAGES
                && outbox().snapshot().getEntries().stream().allMatch(e -> e.getAttempts() >= 1
                        && e.getState() != OutboxEntry.State.DEAD),
                platformDeadline(), () -> "100 jobs, each tried at least once, none dead: " + outbox().snapshot().getEntries().size());
    }

    @Test
    public void b_startedAgainOnTheSameRepositoryEveryMessageArrivesOnceTheServerIsBack() throws Exception {
        jobManager();
        assertEquals("the jobs outlived the framework", MESSAGES, jobManager().unfinished(TOPIC));
        try (TestSmtpServer server = TestSmtpServer.builder().port(smtpPort()).withoutTls().credentials(USER, password()).start()) {
            configure(jobsConfig(smtpPort()));
            awaitJobsOutbox(TOPIC);

            List<TestSmtpServer.ReceivedMessage> received = server.awaitMessages(MESSAGES, platformDeadline());
            Await.until(() -> outbox().snapshot().getEntries().isEmpty(), platformDeadline(),
                    () -> "no job left: " + outbox().snapshot().getEntries());

            Map<String, Integer> subjects = new HashMap<>();
            for (TestSmtpServer.ReceivedMessage message : server.messages()) {
                Matcher subject = SUBJECT.matcher(new String(message.data(), StandardCharsets.US_ASCII));
                if (subject.find()) {
                    subjects.merge(subject.group(1), 1, Integer::sum);
                }
            }
            assertEquals(MESSAGES, received.size());
            assertEquals("every message once: " + subjects, MESSAGES, subjects.size());
            assertEquals("none twice", MESSAGES, server.messages().size());
        }
    }
}
