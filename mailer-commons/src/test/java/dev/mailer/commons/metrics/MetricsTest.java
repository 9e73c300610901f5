package dev.mailer.commons.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.apache.sling.commons.metrics.MetricsService;
import org.junit.jupiter.api.Test;
import org.osgi.service.component.ComponentServiceObjects;

import dev.mailer.commons.testing.RecordingMetricsService;

/** {@link Metrics}: a no-op without a metrics service, reports to the bound one, stops at unbind. */
class MetricsTest {

    private final Metrics metrics = new Metrics();

    @Test
    void withoutAMetricsServiceReportingDoesNothingAndDoesNotFail() {
        metrics.increment(MetricNames.MESSAGES_SENT);
        metrics.time(MetricNames.SEND_TIME, 1_000);
        metrics.gauge(MetricNames.TOKEN_EXPIRY_SECONDS, () -> 42);
    }

    @Test
    void countsAndTimesReachTheBoundServiceUnderTheirNames() {
        RecordingMetricsService service = new RecordingMetricsService();
        metrics.bind(service.objects());

        metrics.increment(MetricNames.MESSAGES_SENT);
        metrics.increment(MetricNames.MESSAGES_SENT);
        metrics.increment(MetricNames.MESSAGES_FAILED);
        metrics.time(MetricNames.SEND_TIME, 5_000_000);

        assertEquals(2, service.count("mailer.messages.sent"));
        assertEquals(1, service.count("mailer.messages.failed"));
        assertEquals(1, service.timed("mailer.send.time"));
    }

    @Test
    void aGaugeDeclaredBeforeTheServiceBindsIsRegisteredWithItAndReadsTheCurrentValue() {
        AtomicLong seconds = new AtomicLong(10);
        metrics.gauge(MetricNames.TOKEN_EXPIRY_SECONDS, seconds::get);
        RecordingMetricsService service = new RecordingMetricsService();

        metrics.bind(service.objects());
        seconds.set(3599);

        assertEquals(3599L, service.gauges.get("mailer.token.expiry.seconds").get());
    }

    @Test
    void afterUnbindNothingReachesTheServiceAndTheNextServiceGetsTheGauges() {
        RecordingMetricsService first = new RecordingMetricsService();
        ComponentServiceObjects<MetricsService> firstObjects = first.objects();
        metrics.bind(firstObjects);
        metrics.gauge(MetricNames.TOKEN_EXPIRY_SECONDS, () -> 7);

        metrics.unbind(firstObjects);
        metrics.increment(MetricNames.MESSAGES_SENT);
        RecordingMetricsService second = new RecordingMetricsService();
        metrics.bind(second.objects());
        metrics.increment(MetricNames.MESSAGES_SENT);

        assertEquals(0, first.count(MetricNames.MESSAGES_SENT));
        assertEquals(1, second.count(MetricNames.MESSAGES_SENT));
        assertEquals(7L, second.gauges.get(MetricNames.TOKEN_EXPIRY_SECONDS).get());
    }

    @Test
    void unbindingAServiceThatWasReplacedKeepsTheNewOne() {
        RecordingMetricsService old = new RecordingMetricsService();
        ComponentServiceObjects<MetricsService> oldObjects = old.objects();
        RecordingMetricsService better = new RecordingMetricsService();
        metrics.bind(oldObjects);

        // a greedy reference binds the better service before it unbinds the old one
        metrics.bind(better.objects());
        metrics.unbind(oldObjects);
        metrics.increment(MetricNames.TOKEN_RENEWALS);

        assertEquals(1, better.count(MetricNames.TOKEN_RENEWALS));
        assertTrue(old.counts.isEmpty());
    }
}
