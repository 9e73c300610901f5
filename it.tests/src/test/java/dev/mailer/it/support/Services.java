package dev.mailer.it.support;

import java.time.Duration;
import java.util.function.Supplier;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/** Waiting for OSGi services, driven by service events and bounded by a deadline. */
public final class Services {

    private Services() {
    }

    /**
     * Waits until a service of {@code type} matching {@code filter} (or any, when null) is
     * registered, or an already registered one is modified to match.
     *
     * @throws AssertionError naming {@code what} when the deadline passes first
     */
    public static <T> ServiceReference<T> await(BundleContext context, Class<T> type, String filter, Duration timeout,
            Supplier<String> what) {
        Filter match;
        try {
            match = context.createFilter("(&(" + org.osgi.framework.Constants.OBJECTCLASS + "=" + type.getName() + ")"
                    + (filter == null ? "" : filter) + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("bad filter " + filter, e);
        }
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, match, null);
        tracker.open();
        try {
            if (tracker.waitForService(timeout.toMillis()) == null) {
                throw new AssertionError("Gave up after " + timeout.toMillis() + " ms waiting for " + what.get());
            }
            return tracker.getServiceReference();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what.get(), e);
        } finally {
            tracker.close();
        }
    }

    /**
     * Waits until no service of {@code type} matching {@code filter} (or none at all, when null) is
     * registered.
     *
     * @throws AssertionError naming {@code what} when the deadline passes first
     */
    public static <T> void awaitAbsent(BundleContext context, Class<T> type, String filter, Duration timeout,
            Supplier<String> what) {
        Object monitor = new Object();
        org.osgi.framework.ServiceListener listener = event -> {
            synchronized (monitor) {
                monitor.notifyAll();
            }
        };
        try {
            context.addServiceListener(listener, "(" + org.osgi.framework.Constants.OBJECTCLASS + "=" + type.getName() + ")");
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (monitor) {
                while (context.getServiceReferences(type, filter).size() > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("Gave up after " + timeout.toMillis() + " ms waiting for " + what.get());
                    }
                    monitor.wait(Math.max(1, left / 1_000_000));
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("bad filter " + filter, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what.get(), e);
        } finally {
            context.removeServiceListener(listener);
        }
    }
}
