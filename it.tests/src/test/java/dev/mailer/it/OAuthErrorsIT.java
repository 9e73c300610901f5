package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
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
import dev.mailer.it.oauth.TokenRelay.Exchange;
import dev.mailer.it.support.LogFile;
import dev.mailer.testsupport.pki.TestPki;

/**
 * Token endpoint errors: {@code invalid_grant} (a refresh token the server does not know: revoked,
 * expired, or from another client) and {@code invalid_client} (a wrong client secret) become
 * permanent {@link MailException}s that quote the OAuth error and its description and name the
 * setting to fix; nothing reaches the SMTP server; and with the protocol trace on
 * ({@code MAIL_DEBUG=true}) neither the log nor the exception shows a secret.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OAuthErrorsIT extends OAuthTestSupport {

    @Test
    public void invalidGrantIsAPermanentFailureQuotingTheServerAndNothingIsSent() throws Exception {
        // looks like a refresh token, but the server never issued it
        String unknown = "0.AXoA" + TestPki.randomPassword() + TestPki.randomPassword();
        useRefreshToken(unknown);
        MailService mail = installProfile(OFFICE365);
        int logLines = LogFile.lines().size();

        MailException e = sendFails(mail, simpleMail("must not be sent", "jane@example.com"));

        Exchange request = tokenEndpoint.last();
        assertEquals(400, request.status());
        assertEquals("invalid_grant", request.error());
        assertFalse("permanent: " + e.getMessage(), e.isTransient());
        assertThat(e.getMessage(), containsString("invalid_grant"));
        assertThat("quotes error_description", e.getMessage(), containsString(request.errorDescription()));
        assertEquals("refreshToken", e.getSetting().orElse(null));
        assertThat("says what to do", e.getDiagnosis().orElse(""), containsString("Authorize again"));
        assertNothingSent(e);
        assertThat("the failure is logged", String.join("\n", LogFile.lines().subList(logLines, LogFile.lines().size())),
                containsString("invalid_grant"));
    }

    @Test
    public void invalidClientIsAPermanentFailureQuotingTheServerAndNothingIsSent() throws Exception {
        String wrongSecret = TestPki.randomPassword();
        useClientSecret(wrongSecret);
        MailService mail = installProfile(OFFICE365_APP);
        int logLines = LogFile.lines().size();

        MailException e = sendFails(mail, simpleMail("must not be sent", "jane@example.com"));

        Exchange request = tokenEndpoint.last();
        assertEquals(401, request.status());
        assertEquals("invalid_client", request.error());
        assertFalse("permanent: " + e.getMessage(), e.isTransient());
        assertThat(e.getMessage(), containsString("invalid_client"));
        assertThat(e.getMessage(), containsString("AADSTS7000215"));
        assertEquals("clientSecret", e.getSetting().orElse(null));
        assertThat("says what to do", e.getDiagnosis().orElse(""), containsString("client secret"));
        assertNothingSent(e);
        assertThat("the failure is logged", String.join("\n", LogFile.lines().subList(logLines, LogFile.lines().size())),
                containsString("invalid_client"));
    }

    /** No SMTP connection at all, no token in the exception; the log is checked after the test. */
    private void assertNothingSent(MailException e) {
        assertEquals("not even a connection to the SMTP server: " + smtp.events(), List.of(), smtp.events());
        assertEquals(0, smtp.messages().size());
        assertTrue("no XOAUTH2 attempt", xoauth2.attempts().isEmpty());
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (String secret : secrets) {
                assertThat("message of " + t.getClass().getName(), String.valueOf(t.getMessage()), not(containsString(secret)));
            }
        }
    }
}
