package dev.mailer.it;

import static org.junit.Assert.assertNotNull;

import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

import dev.mailer.it.support.SlingPlatform;

/**
 * The runtime of {@link MailRuntimeIT} (every test of it runs here too) in a Felix that also has
 * the platform services of an AEM or Sling instance: Sling Commons Scheduler, Threads and Metrics,
 * Felix Health Checks. Every bundle starts, the platform services are there for our bundles to
 * use, and mail from the .cfg.json configuration still arrives.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SlingPlatformIT extends MailRuntimeIT {

    @Override
    @Configuration
    public Option[] configuration() {
        return SlingPlatform.with(super.configuration());
    }

    @Test
    public void theSlingSchedulerMetricsAndHealthCheckServicesAreRegistered() throws InterruptedException {
        for (String service : List.of("org.apache.sling.commons.scheduler.Scheduler",
                "org.apache.sling.commons.metrics.MetricsService",
                "org.apache.felix.hc.api.execution.HealthCheckExecutor")) {
            ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, service, null);
            tracker.open(true);
            try {
                Object found = tracker.waitForService(deadline().toMillis());
                assertNotNull(service + " is registered", found);
            } finally {
                tracker.close();
            }
        }
    }
}
