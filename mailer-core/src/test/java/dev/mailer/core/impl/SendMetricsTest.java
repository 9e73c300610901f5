package dev.mailer.core.impl;

import static dev.mailer.core.impl.OutboxTestSupport.config;
import static dev.mailer.core.impl.OutboxTestSupport.server;
import static dev.mailer.core.impl.OutboxTestSupport.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.QueuedMail;
import dev.mailer.commons.metrics.MetricNames;
import dev.mailer.commons.testing.RecordingMetricsService;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/** The mail service's counts and send times, as a bound Sling Commons Metrics service receives them. */
class SendMetricsTest {

    @TempDir
    Path data;

    private DefaultMailService service;
    private final RecordingMetricsService metrics = new RecordingMetricsService();

    @AfterEach
    void stop() {
        if (service != null) {
            service.deactivate();
        }
    }

    private static Email mail() {
        return Email.builder().to("jane@example.com").subject("Page ready for review").text("Please review.").build();
    }

    @Test
    void eachSendCountsAsSentOrFailedAndIsTimed() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            service = new DefaultMailService(config(smtp.port()));
            service.bindMetrics(metrics.objects());
            smtp.answerNext("MAIL", 1, "550 5.7.1 Relaying denied");

            assertThrows(MailException.class, () -> service.send(mail()));
            service.send(mail());
            service.send(mail());

            assertEquals(2, metrics.count(MetricNames.MESSAGES_SENT));
            assertEquals(1, metrics.count(MetricNames.MESSAGES_FAILED));
            assertEquals(3, metrics.timed(MetricNames.SEND_TIME));
            assertEquals(2, smtp.messages().size());
        }
    }

    @Test
    void theOutboxCountsEachRetryTheDeliveryAndTheDeadLetterAndTimesEachAttempt() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            service = service(config(smtp.port()), data);
            service.bindMetrics(metrics.objects());
            smtp.answerNext("MESSAGE", 2, "451 4.7.500 Server busy. Please try again later");

            service.enqueue(mail()).completion().toCompletableFuture().get(20, TimeUnit.SECONDS);
            smtp.answerNext("MESSAGE", 1, "554 5.2.252 SendAsDenied; not allowed to send as jane@example.com");
            QueuedMail refused = service.enqueue(mail());
            assertThrows(ExecutionException.class, () -> refused.completion().toCompletableFuture().get(20, TimeUnit.SECONDS));

            assertEquals(2, metrics.count(MetricNames.MESSAGES_RETRIED));
            assertEquals(1, metrics.count(MetricNames.MESSAGES_SENT));
            assertEquals(1, metrics.count(MetricNames.MESSAGES_FAILED));
            assertEquals(4, metrics.timed(MetricNames.SEND_TIME));
        }
    }

    @Test
    void withoutAMetricsServiceSendingWorksAsBefore() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            service = new DefaultMailService(config(smtp.port()));

            service.send(mail());

            assertEquals(1, smtp.messages().size());
        }
    }
}
