package dev.mailer.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.Collection;

import org.junit.Before;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceReference;

import dev.mailer.it.support.SlingPlatform;

/**
 * The tests of {@link TokenUpkeepIT} with the Apache Sling Commons Scheduler installed: the upkeep's
 * two jobs are whiteboard services the Sling scheduler runs (the token requests are made on its
 * threads, which it names after the job), and no thread of the provider's own runs. With Sling
 * Discovery (standalone: this instance leads its cluster of one) the keep-alive job is registered
 * with {@code scheduler.runOn=SINGLE}, so in a cluster only the leader refreshes the grant, and it
 * runs here; the renewal of the local access-token cache has no runOn (every instance needs one).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TokenUpkeepSlingIT extends TokenUpkeepIT {

    @Override
    @Configuration
    public Option[] configuration() {
        return SlingPlatform.with(super.configuration());
    }

    /**
     * mailer-health's SMTP check runs here (the platform has Felix Health Checks) and, logging in
     * with XOAUTH2, obtains tokens on its own thread, which keeps the grant alive by itself: these
     * tests count who asks the token endpoint, so the checks are stopped.
     */
    @Before
    public void stopTheHealthChecks() throws BundleException {
        for (Bundle bundle : context.getBundles()) {
            if ("dev.mailer.mailer-health".equals(bundle.getSymbolicName())) {
                bundle.stop();
            }
        }
    }

    @Override
    protected void assertRenewalJob(String what, String thread) {
        assertTrue(what + " was made by the Sling scheduler's job " + RENEWAL_JOB + ": " + thread, thread.endsWith("-" + RENEWAL_JOB));
    }

    @Override
    protected void assertKeepAliveJob(String what, String thread) {
        assertTrue(what + " was made by the Sling scheduler's job " + KEEP_ALIVE_JOB + ": " + thread,
                thread.endsWith("-" + KEEP_ALIVE_JOB));
    }

    @Override
    protected void assertScheduledHere() throws Exception {
        assertNoUpkeepThread();
        for (String name : new String[] {RENEWAL_JOB, KEEP_ALIVE_JOB}) {
            Collection<ServiceReference<Runnable>> jobs = context.getServiceReferences(Runnable.class, "(scheduler.name=" + name + ")");
            assertEquals(name + ": " + jobs, 1, jobs.size());
            ServiceReference<Runnable> job = jobs.iterator().next();
            assertEquals(OAUTH_BUNDLE, job.getBundle().getSymbolicName());
            assertEquals("every second (upkeepInterval PT1S or keepAlive / 4)", 1L, job.getProperty("scheduler.period"));
            assertEquals(Boolean.FALSE, job.getProperty("scheduler.concurrent"));
            if (KEEP_ALIVE_JOB.equals(name)) {
                assertEquals("only the leader of a cluster keeps the grant alive", "SINGLE", job.getProperty("scheduler.runOn"));
            } else {
                assertNull("every instance renews its own access token", job.getProperty("scheduler.runOn"));
            }
        }
    }
}
