package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.api.QueuedMail;
import dev.mailer.it.support.ContainerSetup;
import dev.mailer.it.support.LogFile;
import dev.mailer.it.support.MailConfig;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * The mailer in a Felix without Apache Sling Commons Crypto and Jasypt at all (the other test
 * classes have the bundles, unconfigured: no CryptoService either): our bundles resolve and start
 * (their import of the CryptoService package is optional), mail is sent, the outbox stores its
 * messages unencrypted but owner-only and says so once, and a password written {@code ENC(...)}
 * fails naming the property and what to install.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WithoutCryptoServiceIT extends MailerTestSupport {

    private static final String UNENCRYPTED = "Outbox messages are stored unencrypted (in files only their owner can read)";

    @Override
    @Configuration
    public Option[] configuration() {
        return ContainerSetup.optionsWithout(getClass(), "org.apache.sling.commons.crypto", "org.apache.servicemix.bundles.jasypt");
    }

    private MailConfig config(int port, String password) {
        return MailConfig.server(port).plainRelay().login(USER, password)
                .set("outbox.retry.initial", "PT0.2S").set("outbox.retry.max", "PT0.5S");
    }

    @Test
    public void theMailerBundlesStartWithoutSlingCommonsCryptoAndMailIsDelivered() throws Exception {
        for (Bundle bundle : context.getBundles()) {
            assertTrue("no crypto bundle here: " + bundle.getSymbolicName(), !bundle.getSymbolicName().contains("crypto")
                    && !bundle.getSymbolicName().contains("jasypt"));
            if (bundle.getSymbolicName().startsWith("dev.mailer.")) {
                assertEquals(bundle.getSymbolicName() + " is active", Bundle.ACTIVE, bundle.getState());
            }
        }
        try (TestSmtpServer smtp = TestSmtpServer.builder().withoutTls().credentials(USER, password()).start()) {
            send(configure(config(smtp.port(), password())), simpleMail("without a CryptoService", "jane@example.com"));

            assertEquals(USER, smtp.awaitMessages(1, deadline()).get(0).authenticatedUser());
        }
    }

    @Test
    public void anEncryptedPasswordFailsNamingThePropertyAndWhatToInstallAndNothingIsSent() throws Exception {
        try (TestSmtpServer smtp = TestSmtpServer.builder().withoutTls().credentials(USER, password()).start()) {
            MailService mail = configure(config(smtp.port(), "ENC(c2VjcmV0LWNpcGhlcnRleHQ=)"));

            MailException e = sendFails(mail, simpleMail("never sent", "jane@example.com"));

            assertThat(e.getMessage(), containsString("smtp.password: is written ENC(...), but it cannot be decrypted: there is"
                    + " no CryptoService (names=mailer). Install Apache Sling Commons Crypto"));
            assertEquals("smtp.password", e.getSetting().orElseThrow());
            assertEquals("no connection: " + smtp.events(), List.of(), smtp.events());
        }
    }

    @Test
    public void theOutboxStoresMessagesOwnerOnlyAndSaysOnceThatTheyAreUnencrypted() throws Exception {
        int port;
        try (TestSmtpServer probe = TestSmtpServer.builder().withoutTls().start()) {
            port = probe.port();
        }
        MailService mail = configure(config(port, password()));
        long said = saidUnencrypted();

        QueuedMail queued = mail.enqueue(simpleMail("stored as it is", "jane@example.com"));
        mail.enqueue(simpleMail("and another", "jane@example.com"));
        configure(config(port, password()).set("smtp.max.connections", 2));

        Path file = outbox().resolve(queued.id() + ".eml");
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.UTF_8), containsString("Body of stored as it is"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue("said at activation: " + said, said >= 1);
        assertEquals("said once, not per message or reconfiguration", said, saidUnencrypted());
    }

    private static long saidUnencrypted() {
        return LogFile.lines().stream().filter(line -> line.contains(UNENCRYPTED)).count();
    }

    private Path outbox() throws IOException {
        for (Bundle bundle : context.getBundles()) {
            if ("dev.mailer.mailer-core".equals(bundle.getSymbolicName())) {
                return bundle.getBundleContext().getDataFile("outbox").toPath();
            }
        }
        throw new AssertionError("no mailer-core");
    }
}
