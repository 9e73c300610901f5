package dev.mailer.commons.config;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Constants;
import org.osgi.framework.Filter;

/**
 * The services of one kind a component sees (bound dynamically, with their properties), of which the
 * one with the component's {@linkplain ServiceName name} is its own: the one configured as
 * {@code ...~bulk} belongs to the component {@code ...~bulk}, the plain one to the plain one. A
 * caller may wait a bounded time for its own, which may register after the component. A configured
 * target filter (a reference's {@code NAME.target}) links the component to the service it matches
 * instead, whatever that one's name: among several, the one Declarative Services would bind (highest
 * {@code service.ranking}, then lowest {@code service.id}). Thread-safe.
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
        return own(null);
    }

    /** The service {@code target} matches, the one ranked highest; without a target the own service; null for none. */
    public S own(Filter target) {
        synchronized (monitor) {
            S own = null;
            Map<String, ?> ownProperties = null;
            for (Map.Entry<S, Map<String, ?>> service : services.entrySet()) {
                Map<String, ?> properties = service.getValue();
                boolean candidate = target == null ? name.matches(properties) : target.matches(properties);
                if (candidate && (own == null || ranksAbove(properties, ownProperties))) {
                    own = service.getKey();
                    ownProperties = properties;
                }
            }
            return own;
        }
    }

    /** As DS orders services: the higher {@code service.ranking} first, then the lower {@code service.id}. */
    private static boolean ranksAbove(Map<String, ?> one, Map<String, ?> other) {
        int ranking = Integer.compare(ranking(one), ranking(other));
        return ranking != 0 ? ranking > 0 : id(one) < id(other);
    }

    private static int ranking(Map<String, ?> properties) {
        Object ranking = properties.get(Constants.SERVICE_RANKING);
        return ranking instanceof Integer ? (Integer) ranking : 0;
    }

    private static long id(Map<String, ?> properties) {
        Object id = properties.get(Constants.SERVICE_ID);
        return id instanceof Long ? (Long) id : Long.MAX_VALUE;
    }

    /** The own service, waiting up to {@code waitMs} for it to be bound; null when none came (or on interrupt). */
    public S await(long waitMs) {
        return await(null, waitMs);
    }

    /** {@link #own(Filter)}, waiting up to {@code waitMs} for it to be bound; null when none came (or on interrupt). */
    public S await(Filter target, long waitMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        synchronized (monitor) {
            S service;
            try {
                long left;
                while ((service = own(target)) == null && (left = deadline - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                service = own(target);
            }
            return service;
        }
    }
}
