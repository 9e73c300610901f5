package dev.mailer.oauth.impl;

import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.commons.config.ServiceName;

/**
 * Runs the two jobs of the {@link TokenUpkeep} every period, on the platform's scheduler when there
 * is one, else on a thread of its own; chosen at runtime, and switched when the scheduler comes or
 * goes.
 * <ul>
 * <li>With the Apache Sling Commons Scheduler, the jobs are whiteboard {@link Runnable} services
 * ({@code scheduler.period}, {@code scheduler.concurrent=false}): the renewal runs on every instance
 * of a cluster (each has its own token cache), the keep-alive with {@code scheduler.runOn=SINGLE}
 * on one instance only. That needs Sling Discovery: the Sling scheduler never runs a
 * {@code runOn} job without it, so without a {@code DiscoveryService} the keep-alive runs here as
 * on a single instance.</li>
 * <li>Without it (plain Felix, Karaf, the launcher), one daemon thread named {@value #THREAD_NAME}
 * runs both, and is stopped with the component: it never keeps a JVM alive.</li>
 * </ul>
 * The Sling types are never loaded: the whiteboard needs service properties only, and the presence
 * of the services is tracked by their class names. Thread-safe.
 */
final class UpkeepScheduler {

    static final String THREAD_NAME = "mailer-oauth-upkeep";
    static final String SLING_SCHEDULER = "org.apache.sling.commons.scheduler.Scheduler";
    static final String SLING_DISCOVERY = "org.apache.sling.discovery.DiscoveryService";
    /** The names of the jobs for the Sling scheduler ({@code scheduler.name}), the same on every instance. */
    static final String RENEWAL_JOB = "dev.mailer.oauth.upkeep.renewal";
    static final String KEEP_ALIVE_JOB = "dev.mailer.oauth.upkeep.keepalive";

    /** How long a stop waits for a run in progress (a token request) to end; it ends by itself later otherwise. */
    private static final long STOP_WAIT_SECONDS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(UpkeepScheduler.class);

    private final BundleContext context;
    private final Runnable renewal;
    private final Runnable keepAlive;
    private final ServiceTracker<Object, String> platform;

    // guarded by this
    private Duration period;
    private int schedulers;
    private int discoveries;
    private boolean watching;
    private boolean stopped;
    private OwnThread ownThread;
    private ServiceRegistration<Runnable> renewalJob;
    private ServiceRegistration<Runnable> keepAliveJob;
    private String mode = "";
    /** After the job and thread names: empty for the default provider. */
    private final String suffix;

    UpkeepScheduler(BundleContext context, Runnable renewal, Runnable keepAlive) {
        this(context, ServiceName.of(Map.of()), renewal, keepAlive);
    }

    /** @param name the provider's name: a named provider's jobs and thread carry it ({@code dev.mailer.oauth.upkeep.renewal.bulk}) */
    UpkeepScheduler(BundleContext context, ServiceName name, Runnable renewal, Runnable keepAlive) {
        this.context = context;
        this.suffix = name.get().map(n -> "." + n).orElse("");
        this.renewal = safely(renewal, "renewal");
        this.keepAlive = safely(keepAlive, "keep-alive");
        try {
            this.platform = new ServiceTracker<>(context, context.createFilter("(|(" + Constants.OBJECTCLASS + "=" + SLING_SCHEDULER
                    + ")(" + Constants.OBJECTCLASS + "=" + SLING_DISCOVERY + "))"), new Platform());
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs the jobs every {@code period} from now on; null: not at all (the configuration is
     * invalid). The first call starts watching for the Sling scheduler.
     */
    void schedule(Duration period) {
        boolean first;
        synchronized (this) {
            if (stopped) {
                return;
            }
            first = !watching;
            watching = true;
            boolean changed = !Objects.equals(period, this.period);
            this.period = period;
            if (!first) {
                replan(changed);
            }
        }
        if (first) {
            // all services, whatever class space they come from: only their names are looked at
            platform.open(true);
            synchronized (this) {
                replan(false);
            }
        }
    }

    /** Stops the jobs; a run in progress may finish (up to {@value #STOP_WAIT_SECONDS} s are waited for it). */
    void stop() {
        OwnThread thread;
        synchronized (this) {
            stopped = true;
            thread = ownThread;
            cancel();
        }
        platform.close();
        if (thread != null) {
            thread.awaitEnd();
        }
    }

    /** Under the lock: (re)starts the jobs where they run now. */
    private void replan(boolean periodChanged) {
        String next = stopped || period == null ? "" : schedulers == 0 ? "own" : discoveries == 0 ? "sling" : "sling-cluster";
        if (next.equals(mode) && !periodChanged) {
            return;
        }
        cancel();
        mode = next;
        if (stopped) {
            return;
        }
        if (next.equals("own")) {
            startOwnThread();
        } else if (!next.isEmpty()) {
            renewalJob = register(renewal, RENEWAL_JOB + suffix, false);
            keepAliveJob = register(keepAlive, KEEP_ALIVE_JOB + suffix, next.equals("sling-cluster"));
        }
        LOG.info(describe(next));
    }

    private String describe(String mode) {
        switch (mode) {
            case "own":
                return "OAuth2 token upkeep every " + OAuthSettings.format(period) + " on a thread of its own (" + THREAD_NAME
                        + "): no Apache Sling Commons Scheduler";
            case "sling":
                return "OAuth2 token upkeep every " + OAuthSettings.format(period) + " on the Apache Sling Commons Scheduler;"
                        + " no Sling Discovery, so the keep-alive runs on this instance as on a single one";
            case "sling-cluster":
                return "OAuth2 token upkeep every " + OAuthSettings.format(period) + " on the Apache Sling Commons Scheduler;"
                        + " the keep-alive on one instance of the cluster (scheduler.runOn=SINGLE)";
            default:
                return "OAuth2 token upkeep paused until the configuration is valid";
        }
    }

    private void startOwnThread() {
        ownThread = new OwnThread(THREAD_NAME + suffix.replace('.', '-'), period, () -> {
            renewal.run();
            keepAlive.run();
        });
    }

    private ServiceRegistration<Runnable> register(Runnable job, String name, boolean single) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("scheduler.name", name);
        properties.put("scheduler.period", period.getSeconds());
        properties.put("scheduler.concurrent", Boolean.FALSE);
        if (single) {
            properties.put("scheduler.runOn", "SINGLE");
        }
        return context.registerService(Runnable.class, job, properties);
    }

    /** Under the lock: ends the jobs where they run now; a run in progress is not interrupted (it may be storing a token). */
    private void cancel() {
        if (ownThread != null) {
            ownThread.end();
            ownThread = null;
        }
        renewalJob = unregister(renewalJob);
        keepAliveJob = unregister(keepAliveJob);
        mode = "";
    }

    private static ServiceRegistration<Runnable> unregister(ServiceRegistration<Runnable> registration) {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework removed it with the bundle
            }
        }
        return null;
    }

    /** A job that never throws: an exception would end the own thread's schedule. */
    private static Runnable safely(Runnable job, String name) {
        return () -> {
            try {
                job.run();
            } catch (RuntimeException e) {
                LOG.error("The OAuth2 token upkeep ({}) failed unexpectedly; it runs again at its next time", name, e);
            }
        };
    }

    /** The daemon thread that runs the jobs when there is no Sling scheduler. */
    private static final class OwnThread {
        private final ScheduledThreadPoolExecutor executor;
        private volatile Thread thread;

        OwnThread(String name, Duration period, Runnable jobs) {
            executor = new ScheduledThreadPoolExecutor(1, task -> {
                Thread created = new Thread(task, name);
                // never keeps a short-lived command's JVM from ending
                created.setDaemon(true);
                thread = created;
                return created;
            });
            executor.scheduleWithFixedDelay(jobs, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** No more runs; one in progress is not interrupted (it may be storing a rotated refresh token). */
        void end() {
            executor.shutdown();
        }

        /** Waits until the thread has ended, STOP_WAIT_SECONDS at most. */
        void awaitEnd() {
            try {
                Thread running = thread;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_WAIT_SECONDS);
                if (executor.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS) && running != null) {
                    running.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                }
                if (running != null && running.isAlive()) {
                    LOG.warn("The OAuth2 token upkeep is still in a token request; it ends with that request");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Counts the Sling schedulers and discovery services there are, and replans when that changes. */
    private final class Platform implements ServiceTrackerCustomizer<Object, String> {
        @Override
        public String addingService(ServiceReference<Object> reference) {
            String kind = kind(reference);
            synchronized (UpkeepScheduler.this) {
                if (kind.equals(SLING_SCHEDULER)) {
                    schedulers++;
                } else {
                    discoveries++;
                }
                replan(false);
            }
            return kind;
        }

        @Override
        public void modifiedService(ServiceReference<Object> reference, String kind) {
            // the kind of a service never changes
        }

        @Override
        public void removedService(ServiceReference<Object> reference, String kind) {
            synchronized (UpkeepScheduler.this) {
                if (kind.equals(SLING_SCHEDULER)) {
                    schedulers--;
                } else {
                    discoveries--;
                }
                replan(false);
            }
        }

        private String kind(ServiceReference<Object> reference) {
            for (String name : (String[]) reference.getProperty(Constants.OBJECTCLASS)) {
                if (name.equals(SLING_SCHEDULER)) {
                    return SLING_SCHEDULER;
                }
            }
            return SLING_DISCOVERY;
        }
    }
}
