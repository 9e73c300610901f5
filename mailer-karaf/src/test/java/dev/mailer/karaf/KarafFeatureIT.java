package dev.mailer.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.inject.Inject;

import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.api.OAuthConfigurationProvider;
import dev.mailer.testsupport.oauth.LoopbackOAuth2Server;
import dev.mailer.testsupport.pki.TestPki;
import dev.mailer.testsupport.smtp.TestSmtpServer;
import dev.mailer.testsupport.smtp.TestSmtpServer.ReceivedMessage;
import dev.mailer.testsupport.smtp.Xoauth2Mechanism;
import dev.mailer.testsupport.smtp.Xoauth2Mechanism.Attempt;

/**
 * The features repository this module builds, installed into a real Apache Karaf as an operator does it: the
 * settings as environment variables of the Karaf process, the secrets as files in {@code etc/}, then
 * {@code feature:repo-add mvn:dev.mailer/mailer-karaf/VERSION/xml/features} and
 * {@code feature:install mailer mailer-office365-app} (the token provider file of the {@code office365-app} profile:
 * client credentials), through the FeaturesService those commands call. One mail then goes out over STARTTLS and
 * XOAUTH2.
 *
 * <p>The servers, all on 127.0.0.1: mock-oauth2-server, started here in the test JVM by {@link #config()} (which runs
 * before Karaf starts); TestSmtpServer with STARTTLS (a certificate of a test CA, which the configuration's truststore
 * trusts) and only XOAUTH2, whose every token it checks at that OAuth2 server: started inside Karaf by the test, on the
 * port {@link #config()} chose and gave the Karaf process as {@code SMTP_PORT}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KarafFeatureIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String CLIENT_ID = "karaf-it-app";
    private static final String MAILBOX = "workflow@example.org";
    private static final String RECIPIENT = "jane@example.com";
    private static final String SCOPE = "https://outlook.office365.com/.default";

    // what the probe inside Karaf reads, set by config()
    private static final String PKI_DIR = "mailer.karaf.it.pki";
    private static final String SMTP_PORT = "mailer.karaf.it.smtp.port";
    private static final String OAUTH_SERVER = "mailer.karaf.it.oauth.server";
    private static final String FEATURES_URL = "mailer.karaf.it.features";

    @Inject
    private BundleContext context;

    /** Runs in the test JVM, before Karaf starts: the OAuth2 server, the PKI, the operator's files and environment. */
    @Configuration
    public Option[] config() throws Exception {
        Path work = Files.createDirectories(Paths.get(KarafUnderTest.property("mailer.karaf.work"), UUID.randomUUID().toString()));
        LoopbackOAuth2Server oauth = LoopbackOAuth2Server.start().stopOnExit();
        String oauthServer = oauth.baseUrl();
        TestPki pki = TestPki.generate(work.resolve("pki"));
        int smtpPort = freeLoopbackPort();

        Map<String, String> env = new LinkedHashMap<>();
        env.put("SMTP_HOST", "localhost");
        env.put("SMTP_PORT", String.valueOf(smtpPort));
        env.put("SMTP_USER", MAILBOX);
        env.put("SMTP_FROM", MAILBOX);
        env.put("SMTP_OAUTH", "true");
        env.put("SMTP_TRUSTSTORE_PATH", pki.truststore().toString());
        env.put("SMTP_TIMEOUT_CONNECT", "5000");
        env.put("SMTP_TIMEOUT_READ", "10000");
        env.put("SMTP_TIMEOUT_WRITE", "10000");
        env.put("OAUTH_TENANT_ID", "karaf-it-tenant");
        env.put("OAUTH_CLIENT_ID", CLIENT_ID);
        env.put("OAUTH_TOKEN_URL", oauth.tokenUrl("karaf-it-tenant"));

        return options(
                KarafUnderTest.karaf(work),
                KarafUnderTest.environmentOf(env),
                KarafUnderTest.etcFile("oauth_client_secret", write(work, "oauth_client_secret", TestPki.randomPassword())),
                KarafUnderTest.etcFile("smtp_truststore_password", write(work, "smtp_truststore_password", pki.truststorePassword())),
                KarafUnderTest.testSupport(),
                KarafUnderTest.probeProperty(PKI_DIR, pki.truststore().getParent().toString()),
                KarafUnderTest.probeProperty(SMTP_PORT, String.valueOf(smtpPort)),
                KarafUnderTest.probeProperty(OAUTH_SERVER, oauthServer),
                KarafUnderTest.probeProperty(FEATURES_URL, KarafUnderTest.property("mailer.karaf.features")));
    }

    @Test
    public void featureMailerInstalledInKarafDeliversOneMailOverStartTlsWithXoauth2() throws Exception {
        Xoauth2Mechanism xoauth2 = new Xoauth2Mechanism(System.getProperty(OAUTH_SERVER) + "/", SCOPE)
                // the app-only token's subject is the application, which the mailbox was granted to (Add-MailboxPermission)
                .grant(CLIENT_ID, MAILBOX);
        try (TestSmtpServer smtp = TestSmtpServer.builder()
                .port(Integer.parseInt(System.getProperty(SMTP_PORT)))
                .startTls(TestPki.load(Paths.get(System.getProperty(PKI_DIR))).trustedServerContext())
                .authRequiresTls(true)
                .authenticateOnlyWith(xoauth2)
                .maxCommandLineLength(1000)
                .start()) {

            FeatureInstall.mailerWithOffice365App(context, URI.create(System.getProperty(FEATURES_URL)));
            Mailing.sendOne(context);

            List<ReceivedMessage> received = smtp.awaitMessages(1, DEADLINE);
            ReceivedMessage message = received.get(0);
            assertEquals(List.of(RECIPIENT), message.recipients());
            assertEquals(MAILBOX, message.mailFrom());
            assertTrue("delivered after STARTTLS", message.tls());
            assertEquals("logged in as the mailbox", MAILBOX, message.authenticatedUser());
            assertTrue("the subject: " + received, new String(message.data(), StandardCharsets.UTF_8).contains("\r\nSubject: Sent from Karaf\r\n"));
            List<Attempt> attempts = xoauth2.attempts();
            assertEquals("one XOAUTH2 login: " + attempts, 1, attempts.size());
            assertTrue("the token was accepted at introspection: " + attempts, attempts.get(0).accepted());
        }
    }

    /**
     * Karaf's features API, in a class of its own that is loaded only inside Karaf: the API's jar is not on the test
     * JVM's class path (it embeds an old Jackson, which mock-oauth2-server would see there).
     */
    private static final class FeatureInstall {

        /**
         * feature:repo-add and feature:install mailer mailer-office365-app (the token provider file of the profile),
         * through the service those commands call.
         */
        static void mailerWithOffice365App(BundleContext context, URI repository) throws Exception {
            FeaturesService features = await(context, FeaturesService.class);
            features.addRepository(repository);
            features.installFeatures(Set.of("mailer", "mailer-office365-app"), EnumSet.noneOf(FeaturesService.Option.class));
        }
    }

    /**
     * The mailer's API, in a class of its own that is loaded only once the feature is installed: the probe imports
     * dev.mailer.api dynamically, and a method's catch clause is loaded with the class that declares it.
     */
    private static final class Mailing {

        static void sendOne(BundleContext context) throws InterruptedException {
            await(context, OAuthConfigurationProvider.class);
            MailService mail = await(context, MailService.class);
            try {
                mail.send(Email.builder().to(RECIPIENT).subject("Sent from Karaf").text("feature:install mailer").build());
            } catch (MailException e) {
                // the causes in the message, not chained: Pax Exam reports only the root cause of a failure
                StringBuilder causes = new StringBuilder();
                for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                    causes.append("\n  caused by ").append(t);
                }
                throw new AssertionError("The send failed: " + e.getMessage() + causes);
            }
        }
    }

    /** The service once registered; fails after {@link #DEADLINE} naming it. */
    private static <T> T await(BundleContext context, Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        T service = tracker.waitForService(DEADLINE.toMillis());
        if (service == null) {
            throw new AssertionError("no " + type.getName() + " within " + DEADLINE + " after feature:install mailer; "
                    + Diagnosis.of(context));
        }
        return service;
    }

    /** A port for the SMTP server: chosen before Karaf starts, since it is part of Karaf's environment (SMTP_PORT). */
    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Path write(Path dir, String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content + "\n", StandardCharsets.UTF_8);
    }
}
