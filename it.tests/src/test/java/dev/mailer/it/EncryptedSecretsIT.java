package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.api.QueuedMail;
import dev.mailer.it.support.CryptoServices;
import dev.mailer.it.support.ItPaths;
import dev.mailer.it.support.MailConfig;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * The mail service with Apache Sling Commons Crypto and its Jasypt CryptoService configured
 * ({@code names=mailer}, the key in a file of the secrets folder), in real Felix: an
 * {@code smtp.password} written {@code ENC(...)} is decrypted and the server accepts the login; one
 * encrypted with another key fails naming the property and nothing reaches the server; the outbox's
 * message files hold neither subject nor body in clear text, and the message is delivered.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EncryptedSecretsIT extends MailerTestSupport {

    private static final String CORE_BUNDLE = "dev.mailer.mailer-core";

    @Before
    public void configureCryptoServices() throws IOException {
        CryptoServices.configure(context, configAdmin(), "mailer", CryptoServices.newKey(keyFile("mailer.key")), deadline());
        CryptoServices.configure(context, configAdmin(), "other", CryptoServices.newKey(keyFile("other.key")), deadline());
    }

    @After
    public void removeCryptoServices() throws IOException {
        CryptoServices.remove(context, configAdmin(), "other", deadline());
        CryptoServices.remove(context, configAdmin(), "mailer", deadline());
    }

    private Path keyFile(String name) {
        return ItPaths.secretsDir().resolve(getClass().getSimpleName()).resolve(name);
    }

    private MailConfig config(int port, String password) {
        return MailConfig.server(port).plainRelay().login(USER, password)
                .set("outbox.retry.initial", "PT0.2S").set("outbox.retry.max", "PT0.5S");
    }

    @Test
    public void anEncryptedSmtpPasswordIsDecryptedAndTheMailIsDelivered() throws Exception {
        try (TestSmtpServer smtp = TestSmtpServer.builder().withoutTls().credentials(USER, password()).start()) {
            String encrypted = CryptoServices.encrypt(context, "mailer", password());
            MailService mail = configure(config(smtp.port(), encrypted));

            send(mail, simpleMail("with an encrypted password", "jane@example.com"));

            TestSmtpServer.ReceivedMessage received = smtp.awaitMessages(1, deadline()).get(0);
            assertEquals(USER, received.authenticatedUser());
            assertThat(new String(received.data(), StandardCharsets.UTF_8), containsString("Subject: with an encrypted password"));
        }
    }

    @Test
    public void aPasswordEncryptedWithAnotherKeyFailsNamingThePropertyAndTheKeyAndNothingIsSent() throws Exception {
        try (TestSmtpServer smtp = TestSmtpServer.builder().withoutTls().credentials(USER, password()).start()) {
            String otherKey = CryptoServices.encrypt(context, "other", password());
            MailService mail = configure(config(smtp.port(), otherKey));

            MailException e = sendFails(mail, simpleMail("never sent", "jane@example.com"));

            assertThat(e.getMessage(), containsString("smtp.password: is written ENC(...), but it could not be decrypted with the"
                    + " CryptoService (names=mailer)"));
            assertThat(e.getMessage(), containsString("it was encrypted with another key"));
            assertThat("the value is never shown", e.getMessage(), not(containsString(otherKey.substring(4, 20))));
            assertEquals("smtp.password", e.getSetting().orElseThrow());
            assertEquals("no connection to the server: " + smtp.events(), List.of(), smtp.events());
        }
    }

    @Test
    public void theOutboxsMessageFileHoldsNoSubjectOrBodyInClearTextAndTheMessageIsDelivered() throws Exception {
        int port = closedPort();
        MailService mail = configure(config(port, CryptoServices.encrypt(context, "mailer", password())));

        QueuedMail queued = mail.enqueue(simpleMail("Quarterly figures, confidential", "jane@example.com"));

        Path file = coreBundle().getBundleContext().getDataFile("outbox").toPath().resolve(queued.id() + ".eml");
        String stored = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertThat(stored, not(containsString("Quarterly figures")));
        assertThat(stored, not(containsString("Body of Quarterly")));
        assertThat("not even the Message-ID", stored, not(containsString(queued.messageId())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (TestSmtpServer smtp = TestSmtpServer.builder().port(port).withoutTls().credentials(USER, password()).start()) {
            queued.completion().toCompletableFuture().get(deadline().toSeconds(), TimeUnit.SECONDS);

            assertThat(new String(smtp.awaitMessages(1, deadline()).get(0).data(), StandardCharsets.UTF_8),
                    containsString("Body of Quarterly figures, confidential"));
        }
    }

    private Bundle coreBundle() {
        for (Bundle bundle : context.getBundles()) {
            if (CORE_BUNDLE.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("no bundle " + CORE_BUNDLE);
    }

    /** A port nothing listens on (a server there is started later by the test). */
    private static int closedPort() throws IOException {
        try (TestSmtpServer probe = TestSmtpServer.builder().withoutTls().start()) {
            return probe.port();
        }
    }
}
