package dev.mailer.oauth.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.apache.felix.framework.Felix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

/**
 * Where the upkeep runs, in a real framework (Felix): on a daemon thread of its own without the
 * Sling scheduler; as whiteboard jobs for the Sling scheduler when one is registered (the keep-alive
 * with {@code scheduler.runOn=SINGLE} when Sling Discovery is there too); switched as they come and
 * go; nothing left running after a stop. The Sling services are stand-ins registered under their
 * class names, as the upkeep only looks at those.
 */
class UpkeepSchedulerTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path storage;

    private Felix felix;
    private BundleContext context;
    private UpkeepScheduler upkeep;
    private final BlockingQueue<String> renewals = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> keepAlives = new LinkedBlockingQueue<>();

    @BeforeEach
    void startFramework() throws Exception {
        felix = new Felix(Map.of(Constants.FRAMEWORK_STORAGE, storage.toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        felix.start();
        context = felix.getBundleContext();
        upkeep = new UpkeepScheduler(context, () -> renewals.add(Thread.currentThread().getName()),
                () -> keepAlives.add(Thread.currentThread().getName()));
    }

    @AfterEach
    void stopFramework() throws Exception {
        upkeep.stop();
        felix.stop();
        felix.waitForStop(DEADLINE.toMillis());
    }

    @Test
    void withoutTheSlingSchedulerADaemonThreadOfItsOwnRunsBothJobsUntilStopped() throws Exception {
        upkeep.schedule(Duration.ofSeconds(1));

        assertEquals(UpkeepScheduler.THREAD_NAME, renewals.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
        assertEquals(UpkeepScheduler.THREAD_NAME, keepAlives.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
        Thread thread = ownThread();
        assertNotNull(thread);
        assertTrue(thread.isDaemon(), "a short-lived command's JVM ends with the thread still there");
        assertEquals(List.of(), jobs(), "no whiteboard job");

        upkeep.stop();

        assertFalse(thread.isAlive(), "the thread ended with the stop");
        renewals.clear();
        assertNull(renewals.poll(1500, TimeUnit.MILLISECONDS), "no run after the stop");
    }

    @Test
    void withTheSlingSchedulerTheJobsAreWhiteboardServicesAndNoThreadOfItsOwnRuns() throws Exception {
        register(UpkeepScheduler.SLING_SCHEDULER);
        upkeep.schedule(Duration.ofSeconds(1));

        assertNull(ownThread());
        ServiceReference<Runnable> renewal = job(UpkeepScheduler.RENEWAL_JOB);
        assertEquals(1L, renewal.getProperty("scheduler.period"));
        assertEquals(Boolean.FALSE, renewal.getProperty("scheduler.concurrent"));
        assertNull(renewal.getProperty("scheduler.runOn"), "every instance of a cluster renews its own token cache");
        ServiceReference<Runnable> keepAlive = job(UpkeepScheduler.KEEP_ALIVE_JOB);
        assertNull(keepAlive.getProperty("scheduler.runOn"), "without Sling Discovery a runOn job would never run");

        // what the Sling scheduler does with them
        context.getService(renewal).run();
        assertEquals(Thread.currentThread().getName(), renewals.poll());
        context.getService(keepAlive).run();
        assertEquals(Thread.currentThread().getName(), keepAlives.poll());
        assertNull(renewals.poll(1500, TimeUnit.MILLISECONDS), "nothing else runs the jobs");
    }

    @Test
    void withSlingDiscoveryTheKeepAliveRunsOnOneInstanceOfTheCluster() throws Exception {
        register(UpkeepScheduler.SLING_SCHEDULER);
        upkeep.schedule(Duration.ofSeconds(1));
        ServiceRegistration<?> discovery = register(UpkeepScheduler.SLING_DISCOVERY);

        assertEquals("SINGLE", job(UpkeepScheduler.KEEP_ALIVE_JOB).getProperty("scheduler.runOn"));
        assertNull(job(UpkeepScheduler.RENEWAL_JOB).getProperty("scheduler.runOn"));
        assertEquals(2, jobs().size());

        discovery.unregister();
        assertNull(job(UpkeepScheduler.KEEP_ALIVE_JOB).getProperty("scheduler.runOn"));
    }

    @Test
    void whenTheSlingSchedulerGoesTheOwnThreadTakesOverAndWhenItComesBackTheThreadEnds() throws Exception {
        ServiceRegistration<?> scheduler = register(UpkeepScheduler.SLING_SCHEDULER);
        upkeep.schedule(Duration.ofSeconds(1));
        assertEquals(2, jobs().size());

        scheduler.unregister();
        assertEquals(List.of(), jobs());
        assertEquals(UpkeepScheduler.THREAD_NAME, renewals.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
        Thread thread = ownThread();

        register(UpkeepScheduler.SLING_SCHEDULER);
        assertEquals(2, jobs().size());
        awaitTrue(() -> !thread.isAlive(), "the thread of its own to end");
    }

    @Test
    void anotherPeriodReschedulesAndNoPeriodPausesTheJobs() throws Exception {
        register(UpkeepScheduler.SLING_SCHEDULER);
        upkeep.schedule(Duration.ofMinutes(1));
        assertEquals(60L, job(UpkeepScheduler.RENEWAL_JOB).getProperty("scheduler.period"));

        upkeep.schedule(Duration.ofSeconds(30));
        assertEquals(30L, job(UpkeepScheduler.RENEWAL_JOB).getProperty("scheduler.period"));
        assertEquals(30L, job(UpkeepScheduler.KEEP_ALIVE_JOB).getProperty("scheduler.period"));

        upkeep.schedule(null);
        assertEquals(List.of(), jobs(), "an invalid configuration has nothing to keep up");
        upkeep.schedule(Duration.ofSeconds(30));
        assertEquals(2, jobs().size());

        upkeep.stop();
        assertEquals(List.of(), jobs());
        assertNull(ownThread());
    }

    /** A stand-in registered under {@code className}; a factory, so the framework needs no such class. */
    private ServiceRegistration<?> register(String className) {
        return context.registerService(new String[] {className}, new ServiceFactory<Object>() {
            @Override
            public Object getService(Bundle bundle, ServiceRegistration<Object> registration) {
                return null;
            }

            @Override
            public void ungetService(Bundle bundle, ServiceRegistration<Object> registration, Object service) {
            }
        }, new Hashtable<>());
    }

    private List<ServiceReference<Runnable>> jobs() throws Exception {
        Collection<ServiceReference<Runnable>> jobs = context.getServiceReferences(Runnable.class, "(scheduler.period=*)");
        return new ArrayList<>(jobs);
    }

    private ServiceReference<Runnable> job(String name) throws Exception {
        Collection<ServiceReference<Runnable>> jobs = context.getServiceReferences(Runnable.class, "(scheduler.name=" + name + ")");
        assertEquals(1, jobs.size(), name + ": " + jobs);
        return jobs.iterator().next();
    }

    private static Thread ownThread() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals(UpkeepScheduler.THREAD_NAME) && thread.isAlive()) {
                return thread;
            }
        }
        return null;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Gave up waiting for " + what);
            }
            LockSupport.parkNanos(10_000_000);
        }
    }
}
