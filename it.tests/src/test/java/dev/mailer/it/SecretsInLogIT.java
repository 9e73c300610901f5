package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
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
import dev.mailer.it.support.LogFile;
import dev.mailer.it.support.MailConfig;
import dev.mailer.testsupport.pki.TestPki;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * With {@code debug.email=true} the SMTP dialogue is logged, and still no password reaches the log,
 * with either login mechanism, on success and on failure. Every test of every class also checks
 * its log for secrets afterwards ({@link MailerTestSupport#logContainsNoSecret()}); here the trace
 * is known to be in the log, so that check is not vacuous.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SecretsInLogIT extends MailerTestSupport {

    @Test
    public void debugTraceOfAuthPlainOverStartTlsIsLoggedWithoutThePassword() throws Exception {
        TestSmtpServer server = closeAfterTest(TestSmtpServer.builder().startTls(pki().trustedServerContext())
                .credentials(USER, password()).onlyMechanisms("PLAIN").start());
        MailService mail = configure(MailConfig.server(server.port()).startTls().truststore(pki())
                .login(USER, password()).debug(true));
        int before = logLines();

        send(mail, simpleMail("traced with AUTH PLAIN", "jane@example.com"));

        server.awaitMessages(1, deadline());
        assertTraceLogged(before, "STARTTLS");
        LogFile.assertContainsNone(secrets, List.of(USER));
    }

    @Test
    public void debugTraceOfAuthLoginOverStartTlsIsLoggedWithoutThePassword() throws Exception {
        TestSmtpServer server = closeAfterTest(TestSmtpServer.builder().startTls(pki().trustedServerContext())
                .credentials(USER, password()).onlyMechanisms("LOGIN").start());
        MailService mail = configure(MailConfig.server(server.port()).startTls().truststore(pki())
                .login(USER, password()).debug(true));
        int before = logLines();

        send(mail, simpleMail("traced with AUTH LOGIN", "jane@example.com"));

        server.awaitMessages(1, deadline());
        assertTraceLogged(before, "STARTTLS");
        LogFile.assertContainsNone(secrets, List.of(USER));
    }

    @Test
    public void debugTraceOverSmtpsIsLoggedWithoutThePassword() throws Exception {
        GreenMailServer greenMail = closeAfterTest(GreenMailServer.smtps(Integer.parseInt(env("SMTP_PORT")), USER, password()));
        MailService mail = configure(MailConfig.server(greenMail.port()).ssl().truststore(pki())
                .login(USER, password()).debug(true));
        int before = logLines();

        send(mail, simpleMail("traced over SMTPS", "jane@example.com"));

        greenMail.awaitDeliveries(1, deadline());
        assertTraceLogged(before, "MAIL FROM");
        LogFile.assertContainsNone(secrets, List.of(USER));
    }

    @Test
    public void refusedLoginIsTracedWithoutEitherPasswordAndTheErrorHasNoneEither() throws Exception {
        String wrong = TestPki.randomPassword();
        secrets.add(wrong);
        TestSmtpServer server = closeAfterTest(TestSmtpServer.builder().startTls(pki().trustedServerContext())
                .credentials(USER, password()).start());
        MailService mail = configure(MailConfig.server(server.port()).startTls().truststore(pki())
                .login(USER, wrong).debug(true));
        int before = logLines();

        MailException e = sendFails(mail, simpleMail("must not be sent", "jane@example.com"));

        assertEquals(535, e.getReplyCode());
        assertTraceLogged(before, "STARTTLS");
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (String secret : secrets) {
                assertThat("message of " + t.getClass().getName(), String.valueOf(t.getMessage()), not(containsString(secret)));
                assertThat("toString of " + t.getClass().getName(), t.toString(), not(containsString(secret)));
            }
        }
        LogFile.assertContainsNone(secrets, List.of(USER));
    }

    /** How many lines the log has now; what a send logs comes after. */
    private static int logLines() {
        return LogFile.lines().size();
    }

    /** The lines logged since {@code before} show the SMTP dialogue: EHLO, and {@code alsoExpected}. */
    private static void assertTraceLogged(int before, String alsoExpected) {
        // the trace is logged line by line while the send runs: complete once send() returned
        List<String> lines = LogFile.lines();
        List<String> logged = lines.subList(Math.min(before, lines.size()), lines.size());
        assertTrue("the debug trace (EHLO) is in " + LogFile.path() + " after line " + before,
                logged.stream().anyMatch(l -> l.contains("EHLO")));
        assertTrue("the debug trace shows " + alsoExpected + " in " + LogFile.path() + " after line " + before,
                logged.stream().anyMatch(l -> l.contains(alsoExpected)));
    }
}
