package dev.mailer.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.mailer.it.aem.AemMails;
import dev.mailer.it.oauth.Issuers;
import dev.mailer.testsupport.smtp.Xoauth2Mechanism.Attempt;
import dev.mailer.it.support.AemPlatform;
import dev.mailer.testsupport.smtp.TestSmtpServer.ReceivedMessage;

/**
 * The AEM bridge in Felix, with the bundles AEM gives it (Commons Email 1.6, javax.mail 1.6, the AEM
 * API from the SDK): an {@code HtmlEmail} with text, HTML, an attachment and a non-ASCII subject,
 * sent the way AEM workflow code sends it, through
 * {@code MessageGatewayService.getGateway(HtmlEmail.class)}, arrives intact over STARTTLS + XOAUTH2
 * (token from the real OAuth2 server) at the test server, with the mail service's From.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AemGatewayIT extends OAuthTestSupport {

    @Override
    @Configuration
    public Option[] configuration() {
        return AemPlatform.with(super.configuration());
    }

    @Test
    public void anHtmlEmailSentThroughAemsMessageGatewayServiceArrivesIntactOverStartTlsAndXoauth2() throws Exception {
        useRefreshToken(obtainRefreshToken(Issuers.OFFICE365));
        installProfile(OFFICE365);
        AemMails.sendHtmlEmail(context, deadline());

        ReceivedMessage received = smtp.awaitMessages(1, deadline()).get(0);
        assertTrue("over TLS", received.tls());
        assertEquals(USER, received.authenticatedUser());
        assertEquals(List.of("jane@example.com", "audit@example.com"), received.recipients());
        List<Attempt> attempts = xoauth2.attempts();
        assertEquals(attempts.toString(), 1, attempts.size());
        assertTrue("the token the endpoint issued", attempts.get(0).accepted()
                && attempts.get(0).token().equals(tokenEndpoint.last().accessToken()));

        AemMails.assertIntact(received.data(), env("SMTP_FROM"));
    }
}
