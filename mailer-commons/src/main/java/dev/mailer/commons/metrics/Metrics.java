package dev.mailer.commons.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.osgi.service.component.ComponentServiceObjects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a component reports to Sling Commons Metrics when the container has it, and nothing
 * otherwise: a component with an optional dynamic reference whose bind method takes
 * {@code ComponentServiceObjects<MetricsService>} (the erased type mentions no Sling class) hands
 * it to {@link #bind}; {@link SlingMetrics} is loaded only then. Names: {@link MetricNames}.
 * Thread-safe; reporting never fails and never blocks.
 */
public final class Metrics {

    private static final Logger LOG = LoggerFactory.getLogger(Metrics.class);

    /** Registered again with each service that binds; guarded by {@code this}. */
    private final Map<String, LongSupplier> gauges = new LinkedHashMap<>();
    private volatile MetricSink sink = MetricSink.NONE;
    /** The reference {@link #sink} reports to; guarded by {@code this}. */
    private ComponentServiceObjects<?> bound;

    public void increment(String counter) {
        sink.increment(counter);
    }

    /** Records one duration of {@code timer}. */
    public void time(String timer, long nanos) {
        sink.time(timer, nanos);
    }

    /** A gauge read whenever the metrics are read, from now on and with every service that binds later. */
    public synchronized void gauge(String name, LongSupplier value) {
        gauges.put(name, value);
        sink.gauge(name, value);
    }

    /** Reports to the metrics service of {@code service} from now on. */
    public synchronized void bind(ComponentServiceObjects<?> service) {
        MetricSink opened;
        try {
            opened = SlingMetrics.open(service);
        } catch (LinkageError e) {
            // a service of a package this bundle is not wired to: resolved before it was installed, or too old a version
            LOG.warn("A Sling Commons Metrics service is registered, but this bundle is not wired to its package (the bundle was"
                    + " resolved before Sling Commons Metrics was installed, or its version is older than imported): no metrics"
                    + " are reported until the bundle is refreshed ({})", e.toString());
            return;
        }
        if (opened != null) {
            gauges.forEach(opened::gauge);
            bound = service;
            sink = opened;
        }
    }

    /** Stops reporting to {@code service} (DS ungets it afterwards, which removes our metrics from it). */
    public synchronized void unbind(ComponentServiceObjects<?> service) {
        if (bound == service) {
            bound = null;
            sink = MetricSink.NONE;
        }
    }
}
