package dev.mailer.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import dev.mailer.api.MailService;
import dev.mailer.api.QueuedMail;
import dev.mailer.api.SendResult;
import dev.mailer.api.outbox.Outbox;
import dev.mailer.it.support.Await;
import dev.mailer.it.support.MailConfig;
import dev.mailer.it.support.Services;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * The outbox in real Felix: enqueued messages are written to {@code outbox/} in mailer-core's bundle
 * data area and delivered; messages queued while the server is down survive a restart of the
 * mailer-core bundle and are delivered, once each, after it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OutboxIT extends MailerTestSupport {

    private static final String CORE_BUNDLE = "dev.mailer.mailer-core";
    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID:\\s*(\\S+)");

    private MailConfig outboxConfig(int port) {
        return MailConfig.server(port).plainRelay().login(USER, password())
                .set("outbox.retry.initial", "PT0.2S").set("outbox.retry.max", "PT0.5S");
    }

    @Test
    public void anEnqueuedMessageIsWrittenToTheBundleDataAreaAndDelivered() throws Exception {
        int port = closedPort();
        MailService mail = configure(outboxConfig(port));

        QueuedMail queued = mail.enqueue(simpleMail("through the outbox", "jane@example.com"));

        Path outbox = coreBundle().getBundleContext().getDataFile("outbox").toPath();
        assertTrue("written to " + outbox, Files.isRegularFile(outbox.resolve(queued.id() + ".eml")));
        assertTrue(new String(Files.readAllBytes(outbox.resolve(queued.id() + ".eml")), "US-ASCII").contains(queued.messageId()));
        try (TestSmtpServer smtp = TestSmtpServer.builder().port(port).withoutTls().credentials(USER, password()).start()) {
            SendResult result = queued.completion().toCompletableFuture().get(deadline().toSeconds(), TimeUnit.SECONDS);

            assertEquals(queued.messageId(), result.getMessageId());
            assertEquals(List.of(queued.messageId()), messageIds(smtp.awaitMessages(1, deadline())));
            Await.until(() -> files(outbox).isEmpty(), deadline(), () -> "the outbox directory to be empty: " + files(outbox));
        }
    }

    @Test
    public void messagesQueuedWhenMailerCoreStopsAreDeliveredOnceAfterItsRestart() throws Exception {
        int port = closedPort();
        MailService mail = configure(outboxConfig(port));
        Set<String> queued = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            queued.add(mail.enqueue(simpleMail("queued across a restart " + i, "jane@example.com")).messageId());
        }
        Outbox outbox = context.getService(Services.await(context, Outbox.class, null, deadline(), () -> "the Outbox service"));
        Await.until(() -> outbox.snapshot().getEntries().stream().allMatch(e -> e.getAttempts() >= 1), deadline(),
                () -> "every message tried once while the server is down: " + outbox.snapshot().getEntries());

        Bundle core = coreBundle();
        core.stop();
        Services.awaitAbsent(context, MailService.class, null, deadline(), () -> "the mail service to stop");
        try (TestSmtpServer smtp = TestSmtpServer.builder().port(port).withoutTls().credentials(USER, password()).start()) {
            core.start();

            List<TestSmtpServer.ReceivedMessage> received = smtp.awaitMessages(queued.size(), deadline());
            Outbox restarted = context.getService(Services.await(context, Outbox.class, null, deadline(), () -> "the Outbox service"));
            Await.until(() -> restarted.snapshot().getEntries().isEmpty(), deadline(), () -> "the outbox to be empty");
            List<String> ids = messageIds(smtp.messages());
            assertEquals("none twice: " + ids, queued.size(), ids.size());
            assertEquals(queued, new HashSet<>(ids));
            assertEquals(queued.size(), received.size());
        }
    }

    private Bundle coreBundle() {
        for (Bundle bundle : context.getBundles()) {
            if (CORE_BUNDLE.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("no bundle " + CORE_BUNDLE);
    }

    /** A port nothing listens on (a server there is started later by the test). */
    private static int closedPort() throws IOException {
        try (TestSmtpServer probe = TestSmtpServer.builder().withoutTls().start()) {
            return probe.port();
        }
    }

    private static List<String> messageIds(List<TestSmtpServer.ReceivedMessage> messages) {
        List<String> ids = new ArrayList<>();
        for (TestSmtpServer.ReceivedMessage message : messages) {
            Matcher m = MESSAGE_ID.matcher(new String(message.data(), StandardCharsets.UTF_8));
            ids.add(m.find() ? m.group(1) : null);
        }
        return ids;
    }

    private static List<Path> files(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.collect(Collectors.toList());
        } catch (IOException e) {
            return List.of();
        }
    }
}
