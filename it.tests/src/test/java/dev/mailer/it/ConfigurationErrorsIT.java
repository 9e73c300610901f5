package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
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
import dev.mailer.api.check.CheckStep;
import dev.mailer.api.check.ConnectionCheck;
import dev.mailer.it.support.MailConfig;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * A configuration the service cannot work with still registers the service, and every send fails
 * permanently with a message that names the property and how to fix it; nothing reaches the
 * server. The values go through ConfigAdmin and the interpolation plugin, as from a file.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigurationErrorsIT extends MailerTestSupport {

    private TestSmtpServer server;

    @Before
    public void startServer() throws Exception {
        server = TestSmtpServer.builder().startTls(pki().trustedServerContext()).credentials(USER, password()).start();
    }

    @After
    public void stopServer() {
        server.close();
    }

    private MailConfig valid() {
        return MailConfig.server(server.port()).startTls().truststore(pki()).login(USER, password());
    }

    @Test
    public void missingFromAddressIsNamed() {
        MailException e = sendFailsWith(valid().remove("from.address"));
        assertThat(e.getMessage(), containsString("from.address"));
        assertThat(e.getMessage(), containsString("required"));
    }

    @Test
    public void emptyHostIsNamed() {
        MailException e = sendFailsWith(valid().set("smtp.host", ""));
        assertThat(e.getMessage(), containsString("smtp.host"));
    }

    @Test
    public void portAboveRangeIsNamedWithTheRange() {
        MailException e = sendFailsWith(valid().set("smtp.port", 70000));
        assertThat(e.getMessage(), containsString("smtp.port"));
        assertThat(e.getMessage(), containsString("65535"));
    }

    @Test
    public void portZeroIsNamed() {
        MailException e = sendFailsWith(valid().set("smtp.port", 0));
        assertThat(e.getMessage(), containsString("smtp.port"));
    }

    @Test
    public void unresolvedEnvironmentPlaceholderIsNamedWithTheVariable() {
        MailException e = sendFailsWith(valid().set("smtp.host", "$[env:MAILER_IT_UNSET]"));
        assertThat(e.getMessage(), containsString("smtp.host"));
        assertThat(e.getMessage(), containsString("$[env:MAILER_IT_UNSET]"));
        assertThat("says which variable to set", e.getMessage(), containsString("MAILER_IT_UNSET"));
    }

    @Test
    public void unresolvedSecretPlaceholderIsNamedWithTheSecretFile() {
        MailException e = sendFailsWith(valid().set("smtp.password", "$[secret:mailer_it_missing_secret]"));
        assertThat(e.getMessage(), containsString("smtp.password"));
        assertThat(e.getMessage(), containsString("mailer_it_missing_secret"));
    }

    /** Not an error since AEM documents that smtp.ssl wins: accepted, with a warning that names both. */
    @Test
    public void sslAndStartTlsTogetherAreAcceptedWithAWarningThatSslWins() {
        ConnectionCheck check = (ConnectionCheck) configure(valid().set("smtp.ssl", true).set("smtp.starttls", true));
        CheckStep step = check.checkConfiguration();
        assertEquals(step.toString(), CheckStep.Outcome.WARN, step.getOutcome());
        assertThat(step.toString(), containsString("smtp.ssl=true wins"));
        assertThat(step.toString(), containsString("smtp.starttls=false"));
    }

    /** Applies the configuration, sends, and checks what every configuration error has in common. */
    private MailException sendFailsWith(MailConfig config) {
        MailService mail = configure(config);
        MailException e = sendFails(mail, simpleMail("must not be sent", "jane@example.com"));
        assertFalse("a configuration error is permanent: " + e.getMessage(), e.isTransient());
        assertEquals("nothing reached the server: " + server.events(), 0, server.events().size());
        return e;
    }
}
