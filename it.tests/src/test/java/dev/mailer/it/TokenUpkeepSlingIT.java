package dev.mailer.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.Collection;

import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;

import dev.mailer.it.support.SlingPlatform;

/**
 * The tests of {@link TokenUpkeepIT} with the Apache Sling Commons Scheduler installed: the upkeep's
 * two jobs are whiteboard services the Sling scheduler runs (the token requests are made on its
 * threads, which it names after the job), and no thread of the provider's own runs. This platform
 * set has no Sling Discovery, without which the Sling scheduler never runs a job with
 * {@code scheduler.runOn}: the keep-alive runs as on a single instance.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TokenUpkeepSlingIT extends TokenUpkeepIT {

    @Override
    @Configuration
    public Option[] configuration() {
        return SlingPlatform.with(super.configuration());
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
            assertNull("no Sling Discovery here: a runOn job would never run", job.getProperty("scheduler.runOn"));
        }
    }
}
