package dev.mailer.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.ProbeBuilder;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.util.tracker.ServiceTracker;

import dev.mailer.api.MailService;
import dev.mailer.it.sling.SlingRepository;
import dev.mailer.it.support.MailConfig;
import dev.mailer.it.support.SlingClusterPlatform;
import dev.mailer.testsupport.smtp.TestSmtpServer;
import dev.mailer.testsupport.smtp.TestSmtpServer.ReceivedMessage;

/**
 * The platform of the cluster tests ({@link SlingClusterPlatform}): Apache Sling on Oak with Sling Event next to
 * mailer-runtime's bundles. The services a cluster shares are there, a service user reads what it wrote under
 * /conf/mailer, and the mail service still delivers.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SlingClusterPlatformIT extends MailerTestSupport {

    @Override
    @Configuration
    public Option[] configuration() {
        return SlingClusterPlatform.with(getClass(), super.configuration());
    }

    /** A fixed symbolic name, so that the platform's service user mapping applies to the probe. */
    @ProbeBuilder
    public TestProbeBuilder probe(TestProbeBuilder probe) {
        return SlingClusterPlatform.probe(probe);
    }

    @Test
    public void theResourceResolverFactoryAndTheSlingJobManagerAreRegistered() throws InterruptedException {
        for (String service : List.of("org.apache.sling.api.resource.ResourceResolverFactory",
                "org.apache.sling.event.jobs.JobManager")) {
            ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, service, null);
            tracker.open(true);
            try {
                assertNotNull(service + " is registered", tracker.waitForService(platformDeadline().toMillis()));
            } finally {
                tracker.close();
            }
        }
    }

    @Test
    public void aServiceUserReadsBackANodeItWroteUnderConfMailer() throws Exception {
        SlingRepository repository = SlingRepository.asServiceUser(context, SlingClusterPlatform.TEST_SUBSERVICE,
                platformDeadline());
        String name = "it-" + UUID.randomUUID();
        String value = "written by " + SlingClusterPlatform.TEST_SERVICE_USER;

        repository.create(SlingClusterPlatform.CONF_PATH, name, "value", value);

        assertEquals(SlingClusterPlatform.TEST_SERVICE_USER, repository.userId());
        assertEquals(value, repository.read(SlingClusterPlatform.CONF_PATH + "/" + name, "value"));
    }

    @Test
    public void theMailServiceDeliversToTheTestSmtpServer() throws Exception {
        TestSmtpServer server = closeAfterTest(TestSmtpServer.builder().startTls(pki().trustedServerContext())
                .credentials(USER, password()).authRequiresTls(true).start());
        MailService mail = configure(MailConfig.server(server.port()).startTls().truststore(pki()).login(USER, password()));

        send(mail, simpleMail("from the Sling cluster platform", "jane@example.com"));

        ReceivedMessage received = server.awaitMessages(1, deadline()).get(0);
        assertTrue("message came over TLS", received.tls());
        assertEquals(USER, received.authenticatedUser());
        assertEquals(List.of("jane@example.com"), received.recipients());
    }

    /** Oak and the Sling services start in seconds, a cold repository takes longer than a single service. */
    private static Duration platformDeadline() {
        return Duration.ofSeconds(60);
    }
}
