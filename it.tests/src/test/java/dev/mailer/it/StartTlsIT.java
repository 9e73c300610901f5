package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.hasItem;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.it.smtp.GreenMailServer;
import dev.mailer.it.support.MailConfig;
import dev.mailer.testsupport.smtp.TestSmtpServer;
import dev.mailer.testsupport.smtp.TestSmtpServer.ReceivedMessage;
import dev.mailer.testsupport.smtp.TestSmtpServer.SmtpEvent;

/**
 * STARTTLS (RFC 3207): used when the server offers it, before any credential or message; and a
 * server that does not offer it gets neither when {@code smtp.requiretls=true}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StartTlsIT extends MailerTestSupport {

    @Test
    public void offeredStartTlsIsUsedBeforeLoginAndMessage() throws Exception {
        TestSmtpServer server = closeAfterTest(TestSmtpServer.builder().startTls(pki().trustedServerContext())
                .credentials(USER, password()).authRequiresTls(true).start());
        MailService mail = configure(MailConfig.server(server.port()).startTls().truststore(pki()).login(USER, password()));

        send(mail, simpleMail("over STARTTLS", "jane@example.com"));

        ReceivedMessage received = server.awaitMessages(1, deadline()).get(0);
        assertTrue("message came over TLS", received.tls());
        assertEquals("logged in as", USER, received.authenticatedUser());
        List<String> verbs = server.verbs();
        assertTrue("STARTTLS before AUTH: " + verbs, verbs.indexOf("STARTTLS") >= 0 && verbs.indexOf("STARTTLS") < verbs.indexOf("AUTH"));
        for (SmtpEvent e : server.events()) {
            if (List.of("AUTH", "MAIL", "RCPT", "DATA").contains(e.verb())) {
                assertTrue(e + " was sent only after the TLS upgrade", e.tls());
            }
        }
        assertThat("the client said EHLO again after the upgrade (RFC 3207)",
                server.events().stream().filter(e -> e.tls() && e.isCommand()).map(SmtpEvent::verb).findFirst().orElse(""),
                containsString("EHLO"));
    }

    @Test
    public void serverWithoutStartTlsIsRefusedWhenTlsIsRequiredAndGetsNoCredentialsOrMessage() throws Exception {
        // offers AUTH in the clear, as a misconfigured or downgraded server would
        TestSmtpServer server = closeAfterTest(TestSmtpServer.builder().credentials(USER, password()).start());
        MailService mail = configure(MailConfig.server(server.port()).startTls().login(USER, password()));

        MailException e = sendFails(mail, simpleMail("must not be sent", "jane@example.com"));

        assertFalse("permanent: " + e.getMessage(), e.isTransient());
        assertThat(e.getMessage(), containsString("STARTTLS"));
        assertThat(e.getMessage(), containsString("smtp.requiretls"));
        server.awaitEvent(ev -> "DISCONNECT".equals(ev.verb()), deadline(), "the client to hang up");
        assertThat(server.verbs(), not(hasItem("AUTH")));
        assertThat(server.verbs(), not(hasItem("MAIL")));
        assertEquals(0, server.messages().size());
    }

    @Test
    public void greenMailWithoutStartTlsIsRefusedWhenTlsIsRequired() throws Exception {
        GreenMailServer greenMail = closeAfterTest(GreenMailServer.smtp(USER, password()));
        MailService mail = configure(MailConfig.server(greenMail.port()).startTls().login(USER, password()));

        MailException e = sendFails(mail, simpleMail("must not be sent", "jane@example.com"));

        assertThat(e.getMessage(), containsString("STARTTLS"));
        assertThat(e.getMessage(), containsString("smtp.requiretls"));
        assertEquals(0, greenMail.deliveredCount());
    }

    @Test
    public void plainRelayIsUsedOnlyWhenRequireTlsIsTurnedOff() throws Exception {
        GreenMailServer greenMail = closeAfterTest(GreenMailServer.smtp(null, null));
        MailService mail = configure(MailConfig.server(greenMail.port()).plainRelay());

        send(mail, simpleMail("through a local relay", "jane@example.com"));

        greenMail.awaitDeliveries(1, deadline());
        assertEquals("through a local relay", greenMail.messagesFor("jane@example.com").get(0).subject());
    }
}
