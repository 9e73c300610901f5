package dev.mailer.it.jobs;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.api.QueuedMail;
import dev.mailer.api.outbox.OutboxEntry;
import dev.mailer.it.support.Await;
import dev.mailer.it.support.CryptoServices;
import dev.mailer.it.support.ItPaths;
import dev.mailer.it.support.SlingClusterPlatform;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * The outbox on Sling Jobs in Sling on Oak: a refused message ends as a cancelled job with the diagnosis, the
 * queue keeps the connection limit, what the local outbox held before Sling Jobs came moves into jobs, and with a
 * CryptoService a job holds its message encrypted.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class JobsOutboxIT extends JobsOutboxTestSupport {

    private static final String EVENT_BUNDLE = "org.apache.sling.event";
    private static final String CORE_BUNDLE = "dev.mailer.mailer-core";

    @Override
    @Configuration
    public Option[] configuration() {
        return SlingClusterPlatform.with(getClass(), super.configuration());
    }

    @Test
    public void aMessageRefusedWith5xxEndsAsACancelledJobWithTheDiagnosisSeenInTheJobAndTheOutbox() throws Exception {
        SlingJobsView.JobManagerView jobs = jobManager();
        TestSmtpServer server = closeAfterTest(TestSmtpServer.builder().withoutTls().credentials(USER, password())
                .refuseRecipient("nobody@example.com", "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown")
                .start());
        configure(jobsConfig(server.port()));
        MailService mail = awaitJobsOutbox(TOPIC);

        QueuedMail queued = mail.enqueue(simpleMail("refused", "nobody@example.com"));

        String reason = failureOf(queued);
        assertTrue(reason, reason.contains("550") && reason.contains("nobody@example.com"));
        Await.until(() -> "ERROR".equals(jobs.state(queued.id())), deadline(),
                () -> "the job to be cancelled (ERROR), it is " + jobs.state(queued.id()));
        assertEquals("the job's result is the failure's text", reason, jobs.resultMessage(queued.id()));
        OutboxEntry entry = entry(queued.id());
        assertEquals(OutboxEntry.State.DEAD, entry.getState());
        assertEquals(reason, entry.getLastError().orElse(null));
        assertEquals(List.of("nobody@example.com"), entry.getPendingRecipients());
        assertTrue("purged", outbox().purge(queued.id()));
    }

    @Test
    public void manyJobsNeverUseMoreConnectionsAtOnceThanTheConfiguredMaximum() throws Exception {
        SlingJobsView.JobManagerView jobs = jobManager();
        TestSmtpServer server = closeAfterTest(TestSmtpServer.builder().withoutTls().credentials(USER, password()).start());
        configure(jobsConfig(server.port()).set("smtp.max.connections", 2));
        MailService mail = awaitJobsOutbox(TOPIC);

        List<QueuedMail> queued = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            queued.add(mail.enqueue(simpleMail("cap " + i, "jane@example.com")));
        }
        Await.until(() -> jobs.maxParallel("dev-mailer-send") == 2, platformDeadline(),
                () -> "the queue dev-mailer-send with at most 2 jobs at once: " + jobs.maxParallel("dev-mailer-send"));

        server.awaitMessages(40, platformDeadline());
        for (QueuedMail q : queued) {
            q.completion().toCompletableFuture().get(deadline().toMillis(), TimeUnit.MILLISECONDS);
        }
        assertTrue("at most 2 connections at once, saw " + server.maxConcurrentConnections(), server.maxConcurrentConnections() <= 2);
        assertEquals(40, server.messages().size());
    }

    @Test
    public void messagesQueuedLocallyBeforeSlingJobsCameMoveIntoJobsAndAreDelivered() throws Exception {
        jobManager();
        Bundle event = bundle(EVENT_BUNDLE);
        int port = closedPort();
        List<String> messageIds = new ArrayList<>();
        event.stop();
        try {
            MailService local = configure(jobsConfig(port));
            for (int i = 0; i < 5; i++) {
                messageIds.add(local.enqueue(simpleMail("local " + i, "jane@example.com")).messageId());
            }
            Path folder = bundle(CORE_BUNDLE).getBundleContext().getDataFile("outbox").toPath();
            assertEquals(5, stateFiles(folder));
        } finally {
            event.start();
        }
        awaitJobsOutbox(TOPIC);
        Path folder = bundle(CORE_BUNDLE).getBundleContext().getDataFile("outbox").toPath();
        Await.until(() -> stateFiles(folder) == 0, deadline(), () -> "the local outbox to be empty once its messages are jobs");

        try (TestSmtpServer server = TestSmtpServer.builder().port(port).withoutTls().credentials(USER, password()).start()) {
            List<TestSmtpServer.ReceivedMessage> received = server.awaitMessages(5, platformDeadline());
            assertEquals(5, received.size());
            for (String messageId : messageIds) {
                assertEquals(messageId + " arrives once", 1, received.stream()
                        .filter(m -> new String(m.data(), java.nio.charset.StandardCharsets.US_ASCII).contains(messageId)).count());
            }
            Await.until(() -> outbox().snapshot().getEntries().stream().noneMatch(e -> messageIds.contains(e.getMessageId())),
                    deadline(), () -> "no job of these messages left: " + outbox().snapshot().getEntries());
        }
    }

    @Test
    public void withACryptoServiceTheJobHoldsTheMessageEncryptedAndNoCredentialAndItIsDelivered() throws Exception {
        SlingJobsView.JobManagerView jobs = jobManager();
        CryptoServices.configure(context, configAdmin(), "mailer",
                CryptoServices.newKey(ItPaths.secretsDir().resolve(getClass().getSimpleName()).resolve("mailer.key")), deadline());
        try {
            int port = closedPort();
            configure(jobsConfig(port));
            MailService mail = awaitJobsOutbox(TOPIC);
            String subject = "confidential " + UUID.randomUUID();

            QueuedMail queued = mail.enqueue(simpleMail(subject, "jane@example.com"));

            String stored = jobs.storedText(queued.id());
            assertTrue("the job holds the message: " + stored, stored.contains("mailer.mime="));
            assertFalse("no subject in clear text in the job", stored.contains(subject));
            assertFalse("no body in clear text in the job", stored.contains("Body of " + subject));
            assertFalse("no password in the job", stored.contains(password()));
            try (TestSmtpServer server = TestSmtpServer.builder().port(port).withoutTls().credentials(USER, password()).start()) {
                String delivered = new String(server.awaitMessages(1, platformDeadline()).get(0).data(),
                        java.nio.charset.StandardCharsets.UTF_8);
                assertTrue("delivered as written: " + delivered, delivered.contains("Subject: " + subject) && delivered.contains("Body of " + subject));
                queued.completion().toCompletableFuture().get(deadline().toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            CryptoServices.remove(context, configAdmin(), "mailer", deadline());
        }
    }

    private OutboxEntry entry(String id) {
        return outbox().snapshot().getEntries().stream().filter(e -> e.getId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no outbox entry " + id + " in " + outbox().snapshot().getEntries()));
    }

    private String failureOf(QueuedMail queued) throws Exception {
        try {
            queued.completion().toCompletableFuture().get(platformDeadline().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            assertTrue(String.valueOf(e.getCause()), e.getCause() instanceof MailException);
            return e.getCause().getMessage();
        }
        throw new AssertionError("delivered, but the server refuses the recipient");
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    private static long stateFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (java.util.stream.Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".state")).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
