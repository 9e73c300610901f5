package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.is;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.CoreMatchers.nullValue;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;

import dev.mailer.api.Email;
import dev.mailer.api.MailService;
import dev.mailer.api.SendResult;
import dev.mailer.it.mail.ReceivedMail;
import dev.mailer.it.smtp.GreenMailServer;
import dev.mailer.it.support.ItPaths;

/**
 * The runtime as deployed: mailer-runtime's bundles all start in plain Felix, and the real
 * {@code dev.mailer.core.impl.DefaultMailService.cfg.json} from osgi-config, filled from the
 * environment and the secrets directory, yields a mail service that sends over SMTPS with the
 * secret password and the configured truststore. This class never changes the configuration.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MailRuntimeIT extends MailerTestSupport {

    private GreenMailServer smtps;

    @After
    public void stopServer() {
        if (smtps != null) {
            smtps.close();
        }
    }

    @Test
    public void everyBundleIsActiveAndEveryFragmentResolved() {
        List<String> problems = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            boolean fragment = bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            int expected = fragment ? Bundle.RESOLVED : Bundle.ACTIVE;
            if (bundle.getState() != expected) {
                problems.add(bundle.getSymbolicName() + " " + bundle.getVersion() + " is " + state(bundle.getState())
                        + ", expected " + state(expected));
            }
        }
        assertTrue("Bundles not running: " + problems, problems.isEmpty());
    }

    @Test
    public void everyBundleOfMailerRuntimeIsInstalledFromItsFile() throws IOException {
        List<String> locations = Stream.of(context.getBundles()).map(Bundle::getLocation).collect(Collectors.toList());
        List<String> missing;
        try (Stream<Path> jars = Files.list(ItPaths.runtimeBundles())) {
            missing = jars.map(p -> p.toUri().toString()).filter(uri -> !locations.contains(uri)).collect(Collectors.toList());
        }
        assertTrue("Not installed: " + missing, missing.isEmpty());
        Bundle core = Stream.of(context.getBundles()).filter(b -> "dev.mailer.mailer-core".equals(b.getSymbolicName()))
                .findFirst().orElse(null);
        assertNotNull("mailer-core is installed", core);
    }

    @Test
    public void cfgJsonFileIsInstalledWithItsPlaceholdersAndTheServiceGetsTheResolvedValues() throws Exception {
        // the configuration came from the real file: ConfigAdmin stores the placeholders as written ...
        Configuration[] configurations = configAdmin().listConfigurations("(" + Constants.SERVICE_PID + "=" + PID + ")");
        assertNotNull("the installer created " + PID + " from " + ItPaths.configDir(), configurations);
        Object rawHost = configurations[0].getProperties().get("smtp.host");
        assertThat(String.valueOf(rawHost), containsString("$[env:SMTP_HOST"));

        // ... and the component sees the values of the environment and the secrets directory
        ServiceReference<MailService> service = awaitMailService();
        assertEquals(env("SMTP_HOST"), service.getProperty("smtp.host"));
        assertEquals(Integer.valueOf(env("SMTP_PORT")), service.getProperty("smtp.port"));
        assertEquals(env("SMTP_USER"), service.getProperty("smtp.user"));
        assertEquals(env("SMTP_FROM"), service.getProperty("from.address"));
        assertEquals(Boolean.TRUE, service.getProperty("smtp.ssl"));
        assertEquals(Boolean.FALSE, service.getProperty("smtp.starttls"));
        assertEquals(env("SMTP_TRUSTSTORE_PATH"), service.getProperty("smtp.truststore.path"));
        for (String key : service.getPropertyKeys()) {
            assertThat(key + " is resolved", String.valueOf(service.getProperty(key)), not(containsString("$[")));
        }
        // secrets stay inside the component: service properties are readable by every bundle
        assertThat(service.getProperty("smtp.password"), nullValue());
        assertThat(service.getProperty("smtp.truststore.password"), nullValue());
    }

    @Test
    public void mailSentWithTheFileConfigurationArrivesOverSmtps() throws Exception {
        smtps = GreenMailServer.smtps(Integer.parseInt(env("SMTP_PORT")), env("SMTP_USER"), password());
        Email email = Email.builder()
                .to("jane@example.com")
                .cc("Carl Copy <carl@example.com>")
                .bcc("audit@example.com")
                .subject("Deployment check")
                .text("Sent with the configuration from the .cfg.json file.")
                .build();

        SendResult result = send(mailService(), email);

        smtps.awaitDeliveries(3, deadline());
        assertEquals(List.of("jane@example.com", "Carl Copy <carl@example.com>", "audit@example.com"), result.getRecipients());
        for (String mailbox : List.of("jane@example.com", "carl@example.com", "audit@example.com")) {
            List<ReceivedMail> inbox = smtps.messagesFor(mailbox);
            assertEquals("messages for " + mailbox, 1, inbox.size());
            ReceivedMail mail = inbox.get(0);
            assertEquals("Deployment check", mail.subject());
            assertEquals(List.of(env("SMTP_FROM")), mail.from());
            assertEquals(List.of("jane@example.com"), mail.to());
            assertEquals(List.of("Carl Copy <carl@example.com>"), mail.cc());
            assertThat("Bcc stays out of the headers", mail.bccHeader(), is(nullValue()));
            assertEquals("Sent with the configuration from the .cfg.json file.", mail.text());
            assertEquals(result.getMessageId(), mail.messageId());
        }
    }

    private static String state(int state) {
        switch (state) {
            case Bundle.UNINSTALLED:
                return "UNINSTALLED";
            case Bundle.INSTALLED:
                return "INSTALLED (unresolved)";
            case Bundle.RESOLVED:
                return "RESOLVED";
            case Bundle.STARTING:
                return "STARTING";
            case Bundle.STOPPING:
                return "STOPPING";
            case Bundle.ACTIVE:
                return "ACTIVE";
            default:
                return "state " + state;
        }
    }
}
