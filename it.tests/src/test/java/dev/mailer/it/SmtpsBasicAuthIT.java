package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.it.smtp.GreenMailServer;
import dev.mailer.it.support.MailConfig;
import dev.mailer.testsupport.pki.TestPki;

/**
 * Basic authentication over SMTPS (TLS from the first byte, as on port 465) against GreenMail.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SmtpsBasicAuthIT extends MailerTestSupport {

    private GreenMailServer smtps;

    @Before
    public void startServer() {
        // the port the environment reserved for SMTPS; a fresh server for each test
        smtps = GreenMailServer.smtps(Integer.parseInt(env("SMTP_PORT")), USER, password());
    }

    @After
    public void stopServer() {
        smtps.close();
    }

    private MailConfig smtpsConfig(String password) {
        return MailConfig.server(smtps.port()).ssl().truststore(pki()).login(USER, password);
    }

    @Test
    public void loginWithTheRightPasswordDelivers() throws Exception {
        MailService mail = configure(smtpsConfig(password()));

        send(mail, simpleMail("SMTPS with basic auth", "jane@example.com"));

        smtps.awaitDeliveries(1, deadline());
        assertEquals("SMTPS with basic auth", smtps.messagesFor("jane@example.com").get(0).subject());
    }

    @Test
    public void wrongPasswordIsRefusedWith535PermanentlyAndNothingIsDelivered() {
        String wrong = TestPki.randomPassword();
        secrets.add(wrong);
        MailService mail = configure(smtpsConfig(wrong));

        MailException e = sendFails(mail, simpleMail("must not be delivered", "jane@example.com"));

        assertEquals("reply code of " + e.getMessage(), 535, e.getReplyCode());
        assertFalse("a refused login is permanent", e.isTransient());
        assertThat(e.getMessage(), containsString("535"));
        assertThat("names the login", e.getMessage(), containsString("smtp.user"));
        assertThat(e.getMessage(), not(containsString(wrong)));
        assertThat(e.getMessage(), not(containsString(password())));
        assertEquals("delivered", 0, smtps.deliveredCount());
    }
}
