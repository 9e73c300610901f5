package dev.mailer.commons.config;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The services of one kind a component sees (bound dynamically, with their properties), of which the
 * one with the component's {@linkplain ServiceName name} is its own: the one configured as
 * {@code ...~bulk} belongs to the component {@code ...~bulk}, the plain one to the plain one. A
 * caller may wait a bounded time for its own, which may register after the component. Thread-safe.
 *
 * @param <S> the service type
 */
public final class NamedServices<S> {

    private final ServiceName name;
    private final Object monitor = new Object();
    private final Map<S, Map<String, ?>> services = new IdentityHashMap<>();

    public NamedServices(ServiceName name) {
        this.name = name;
    }

    public ServiceName name() {
        return name;
    }

    public void bind(S service, Map<String, ?> properties) {
        synchronized (monitor) {
            services.put(service, properties);
            monitor.notifyAll();
        }
    }

    public void unbind(S service) {
        synchronized (monitor) {
            services.remove(service);
        }
    }

    /** The own service, or null. */
    public S own() {
        synchronized (monitor) {
            for (Map.Entry<S, Map<String, ?>> service : services.entrySet()) {
                if (name.matches(service.getValue())) {
                    return service.getKey();
                }
            }
            return null;
        }
    }

    /** The own service, waiting up to {@code waitMs} for it to be bound; null when none came (or on interrupt). */
    public S await(long waitMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        synchronized (monitor) {
            S service;
            try {
                long left;
                while ((service = own()) == null && (left = deadline - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                service = own();
            }
            return service;
        }
    }
}
