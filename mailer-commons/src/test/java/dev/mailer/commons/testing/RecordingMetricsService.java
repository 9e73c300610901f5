package dev.mailer.commons.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.apache.sling.commons.metrics.Counter;
import org.apache.sling.commons.metrics.Gauge;
import org.apache.sling.commons.metrics.Histogram;
import org.apache.sling.commons.metrics.Meter;
import org.apache.sling.commons.metrics.MetricsService;
import org.apache.sling.commons.metrics.Timer;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;

/** A metrics service that keeps counts, timer updates and gauges in maps, and the DS handle it is bound with. */
public final class RecordingMetricsService implements MetricsService {

    public final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    public final Map<String, AtomicLong> timerUpdates = new ConcurrentHashMap<>();
    public final Map<String, Supplier<?>> gauges = new ConcurrentHashMap<>();

    /** How often counter {@code name} was incremented. */
    public long count(String name) {
        AtomicLong count = counts.get(name);
        return count == null ? 0 : count.get();
    }

    /** What DS hands a bind method of a reference to this service. */
    public ComponentServiceObjects<MetricsService> objects() {
        MetricsService self = this;
        return new ComponentServiceObjects<>() {
            @Override
            public MetricsService getService() {
                return self;
            }

            @Override
            public void ungetService(MetricsService service) {
            }

            @Override
            public ServiceReference<MetricsService> getServiceReference() {
                return null;
            }
        };
    }

    @Override
    public Counter counter(String name) {
        AtomicLong count = counts.computeIfAbsent(name, n -> new AtomicLong());
        return new Counter() {
            @Override
            public void increment() {
                count.incrementAndGet();
            }

            @Override
            public void increment(long n) {
                count.addAndGet(n);
            }

            @Override
            public void decrement() {
                count.decrementAndGet();
            }

            @Override
            public void decrement(long n) {
                count.addAndGet(-n);
            }

            @Override
            public long getCount() {
                return count.get();
            }

            @Override
            public <A> A adaptTo(Class<A> type) {
                return null;
            }
        };
    }

    @Override
    public Timer timer(String name) {
        AtomicLong updates = timerUpdates.computeIfAbsent(name, n -> new AtomicLong());
        return new Timer() {
            @Override
            public void update(long duration, TimeUnit unit) {
                updates.incrementAndGet();
            }

            @Override
            public Context time() {
                throw new UnsupportedOperationException();
            }

            @Override
            public long getCount() {
                return updates.get();
            }

            @Override
            public <A> A adaptTo(Class<A> type) {
                return null;
            }
        };
    }

    /** How many durations timer {@code name} recorded. */
    public long timed(String name) {
        AtomicLong updates = timerUpdates.get(name);
        return updates == null ? 0 : updates.get();
    }

    @Override
    public <T> Gauge<T> gauge(String name, Supplier<T> supplier) {
        gauges.putIfAbsent(name, supplier);
        return null;
    }

    @Override
    public Histogram histogram(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Meter meter(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public <A> A adaptTo(Class<A> type) {
        return null;
    }
}
