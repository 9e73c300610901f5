package dev.mailer.it.health;

import java.time.Duration;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;

import dev.mailer.it.support.Services;

/**
 * What Sling Commons Metrics holds, read from its registry as a reporter (JMX, the web console)
 * reads it. Runs inside Felix only: the metrics library is not on the test JVM's class path.
 */
public final class MetricValues {

    private MetricValues() {
    }

    /** The count of counter or timer {@code name}; 0 while nothing was reported under it. */
    public static long count(BundleContext context, String name) {
        return read(context, registry -> {
            Counter counter = registry.getCounters().get(name);
            Timer timer = registry.getTimers().get(name);
            return counter != null ? counter.getCount() : timer != null ? timer.getCount() : 0L;
        });
    }

    /** The value of gauge {@code name}; null when there is none. */
    public static Object gauge(BundleContext context, String name) {
        return read(context, registry -> {
            @SuppressWarnings("rawtypes")
            Gauge gauge = registry.getGauges().get(name);
            return gauge == null ? null : gauge.getValue();
        });
    }

    private interface Reading<T> {
        T from(MetricRegistry registry);
    }

    private static <T> T read(BundleContext context, Reading<T> reading) {
        ServiceReference<MetricRegistry> ref = Services.await(context, MetricRegistry.class, "(name=sling)", Duration.ofSeconds(20),
                () -> "Sling's metric registry");
        MetricRegistry registry = context.getService(ref);
        try {
            return reading.from(registry);
        } finally {
            context.ungetService(ref);
        }
    }
}
