package dev.mailer.commons.metrics;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.apache.sling.commons.metrics.MetricsService;
import org.osgi.service.component.ComponentServiceObjects;

/**
 * The only class that touches Sling Commons Metrics (an optional import): loaded by {@link Metrics}
 * once a {@code MetricsService} is bound, so a container without it never loads it. The service
 * is bundle-scoped: the metrics a bundle registered go when it ungets the service, which DS does
 * when the reference is unbound.
 */
final class SlingMetrics implements MetricSink {

    private final MetricsService service;

    private SlingMetrics(MetricsService service) {
        this.service = service;
    }

    /** @return the sink of the bound service, or null when it went away meanwhile */
    static MetricSink open(ComponentServiceObjects<?> bound) {
        Object service = bound.getService();
        return service == null ? null : new SlingMetrics((MetricsService) service);
    }

    @Override
    public void increment(String counter) {
        service.counter(counter).increment();
    }

    @Override
    public void time(String timer, long nanos) {
        service.timer(timer).update(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void gauge(String name, LongSupplier value) {
        service.gauge(name, value::getAsLong);
    }
}
