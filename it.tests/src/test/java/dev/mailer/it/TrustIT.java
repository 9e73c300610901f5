package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.hasItem;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.it.support.MailConfig;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * Certificate checks stay on: a server whose certificate the client cannot trust is refused with a
 * message that says how to configure trust ({@code smtp.truststore.path}); configuring the
 * truststore with the server's CA makes it work; a certificate from nobody we trust stays refused
 * with that message, and a certificate from the trusted CA but for another host is refused with a
 * message naming {@code smtp.host}, over smtps and STARTTLS alike.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TrustIT extends MailerTestSupport {

    private TestSmtpServer server;

    @After
    public void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    public void privateCaServerIsRefusedWithoutTruststoreWithAMessageOnHowToTrustIt() throws Exception {
        server = TestSmtpServer.builder().implicitTls(pki().trustedServerContext()).credentials(USER, password()).start();
        MailService mail = configure(MailConfig.server(server.port()).ssl().login(USER, password()));

        MailException e = sendFails(mail, simpleMail("must not be sent", "jane@example.com"));

        assertFalse("permanent: " + e.getMessage(), e.isTransient());
        assertThat(e.getMessage(), containsString("smtp.truststore.path"));
        assertNothingReachedTheServer();
    }

    @Test
    public void privateCaServerIsTrustedWithTheConfiguredTruststore() throws Exception {
        server = TestSmtpServer.builder().implicitTls(pki().trustedServerContext()).credentials(USER, password()).start();
        MailService mail = configure(MailConfig.server(server.port()).ssl().truststore(pki()).login(USER, password()));

        send(mail, simpleMail("trusted through smtp.truststore.path", "jane@example.com"));

        assertTrue(server.awaitMessages(1, deadline()).get(0).tls());
    }

    @Test
    public void privateCaServerIsTrustedOverStartTlsWithTheConfiguredTruststore() throws Exception {
        server = TestSmtpServer.builder().startTls(pki().trustedServerContext()).credentials(USER, password()).start();
        MailService mail = configure(MailConfig.server(server.port()).startTls().truststore(pki()).login(USER, password()));

        send(mail, simpleMail("STARTTLS trusted through smtp.truststore.path", "jane@example.com"));

        assertTrue(server.awaitMessages(1, deadline()).get(0).tls());
    }

    @Test
    public void selfSignedServerIsRefusedEvenWithATruststore() throws Exception {
        server = TestSmtpServer.builder().implicitTls(pki().untrustedServerContext()).credentials(USER, password()).start();
        MailService mail = configure(MailConfig.server(server.port()).ssl().truststore(pki()).login(USER, password()));

        MailException e = sendFails(mail, simpleMail("must not be sent", "jane@example.com"));

        assertFalse(e.isTransient());
        assertThat(e.getMessage(), containsString("smtp.truststore.path"));
        assertNothingReachedTheServer();
    }

    @Test
    public void selfSignedStartTlsServerIsRefusedBeforeLogin() throws Exception {
        server = TestSmtpServer.builder().startTls(pki().untrustedServerContext()).credentials(USER, password()).start();
        MailService mail = configure(MailConfig.server(server.port()).startTls().login(USER, password()));

        MailException e = sendFails(mail, simpleMail("must not be sent", "jane@example.com"));

        assertThat(e.getMessage(), containsString("smtp.truststore.path"));
        assertNothingReachedTheServer();
    }

    @Test
    public void certificateForAnotherHostIsRefusedThoughItsCaIsTrusted() throws Exception {
        server = TestSmtpServer.builder().implicitTls(pki().otherHostServerContext()).credentials(USER, password()).start();
        MailService mail = configure(MailConfig.server(server.port()).ssl().truststore(pki()).login(USER, password()));

        MailException e = sendFails(mail, simpleMail("must not be sent", "jane@example.com"));

        assertHostNameMismatch(e);
        assertRefusedOnOneConnection();
    }

    @Test
    public void certificateForAnotherHostIsRefusedOverStartTlsThoughItsCaIsTrusted() throws Exception {
        server = TestSmtpServer.builder().startTls(pki().otherHostServerContext()).credentials(USER, password()).start();
        MailService mail = configure(MailConfig.server(server.port()).startTls().truststore(pki()).login(USER, password()));

        MailException e = sendFails(mail, simpleMail("must not be sent", "jane@example.com"));

        assertHostNameMismatch(e);
        assertRefusedOnOneConnection();
    }

    /** The host-name diagnosis, pointing at smtp.host: not the truststore, which does trust the CA. */
    private static void assertHostNameMismatch(MailException e) {
        assertFalse("permanent: " + e.getMessage(), e.isTransient());
        assertThat(e.getMessage(), containsString("does not match the host name localhost"));
        assertEquals(e.getMessage(), "smtp.host", e.getSetting().orElse(null));
        assertThat(e.getMessage(), not(containsString("PKIX")));
        assertThat(e.getMessage(), not(containsString("smtp.truststore.path")));
    }

    /** Refused in the handshake of the one and only connection (no second try with other trust), before login. */
    private void assertRefusedOnOneConnection() throws InterruptedException {
        server.awaitEvent(ev -> "TLS-FAILED".equals(ev.verb()), deadline(), "the TLS handshake to fail");
        server.awaitEvent(ev -> "DISCONNECT".equals(ev.verb()), deadline(), "the client to hang up");
        assertEquals(server.events().toString(), 1, server.events().stream().filter(ev -> "CONNECT".equals(ev.verb())).count());
        assertThat(server.verbs(), not(hasItem("AUTH")));
        assertThat(server.verbs(), not(hasItem("MAIL")));
        assertEquals(0, server.messages().size());
    }

    private void assertNothingReachedTheServer() throws InterruptedException {
        server.awaitEvent(ev -> "TLS-FAILED".equals(ev.verb()), deadline(), "the TLS handshake to fail");
        assertThat(server.verbs(), not(hasItem("AUTH")));
        assertThat(server.verbs(), not(hasItem("MAIL")));
        assertEquals(0, server.messages().size());
    }
}
