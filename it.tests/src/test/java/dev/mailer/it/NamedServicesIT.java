package dev.mailer.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Collectors;

import org.json.JSONObject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;

import dev.mailer.api.MailService;
import dev.mailer.it.oauth.Issuers;
import dev.mailer.it.oauth.TokenRelay.Exchange;
import dev.mailer.testsupport.smtp.Xoauth2Mechanism;
import dev.mailer.it.support.ItPaths;
import dev.mailer.it.support.Services;
import dev.mailer.testsupport.smtp.TestSmtpServer;
import dev.mailer.testsupport.smtp.TestSmtpServer.ReceivedMessage;

/**
 * Two named mail services in one Felix, each a factory configuration ({@code ...DefaultMailService~alerts},
 * {@code ~bulk}) with a token provider of its own name ({@code ...OAuthConfigurationProviderImpl~alerts},
 * {@code ~bulk}), sending over STARTTLS + XOAUTH2 to two different SMTP servers: each mail arrives at
 * its service's server, logged in with its own provider's token.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NamedServicesIT extends OAuthTestSupport {

    private static final String CORE_PID = "dev.mailer.core.impl.DefaultMailService";

    @Test
    public void eachNamedServiceSendsToItsServerWithItsOwnToken() throws Exception {
        Xoauth2Mechanism bulkXoauth2 = new Xoauth2Mechanism(oauthServer() + "/", Issuers.SMTP_SCOPE).grant(clientId(), USER);
        TestSmtpServer bulkSmtp = closeAfterTest(TestSmtpServer.builder().startTls(pki().trustedServerContext()).authRequiresTls(true)
                .authenticateOnlyWith(bulkXoauth2).start());
        install("alerts", Integer.parseInt(env("SMTP_PORT")));
        install("bulk", bulkSmtp.port());
        MailService alerts = named("alerts");
        MailService bulk = named("bulk");

        send(alerts, simpleMail("an alert", "ops@example.com"));
        send(bulk, simpleMail("a newsletter", "list@example.com"));

        ReceivedMessage alert = smtp.awaitMessages(1, deadline()).get(0);
        ReceivedMessage newsletter = bulkSmtp.awaitMessages(1, deadline()).get(0);
        assertEquals(List.of("ops@example.com"), alert.recipients());
        assertEquals(List.of("list@example.com"), newsletter.recipients());
        assertEquals("nothing else arrived at either server", 1, smtp.messages().size() + bulkSmtp.messages().size() - 1);
        List<String> tokens = tokenEndpoint.exchanges().stream().map(Exchange::accessToken).collect(Collectors.toList());
        assertEquals("a token request per provider: " + tokens, 2, tokens.size());
        String alertsToken = xoauth2.attempts().get(0).token();
        String bulkToken = bulkXoauth2.attempts().get(0).token();
        assertNotEquals("each service its own token", alertsToken, bulkToken);
        assertTrue(tokens.contains(alertsToken) && tokens.contains(bulkToken));
    }

    /** The office365-app profile as the factory configurations {@code ~name} of both components, sending to {@code port}. */
    private void install(String name, int port) throws IOException {
        for (Path file : List.of(profileFile(CORE_PID), profileFile(OAUTH_PID))) {
            JSONObject json = new JSONObject(Files.readString(file, StandardCharsets.UTF_8));
            String pid = file.getFileName().toString().replace(".cfg.json", "");
            if (pid.equals(CORE_PID)) {
                json.put("smtp.port", port);
            }
            // FileInstall must never see half a file: written next to it under another name, then renamed
            Path temp = watchedDir().resolve(pid + "~" + name + ".cfg.json.part");
            Files.writeString(temp, json.toString(2), StandardCharsets.UTF_8);
            Files.move(temp, watchedDir().resolve(pid + "~" + name + ".cfg.json"), StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static Path profileFile(String pid) {
        return ItPaths.profilesDir().resolve(OFFICE365_APP).resolve(pid + ".cfg.json");
    }

    private MailService named(String name) {
        ServiceReference<MailService> ref = Services.await(context, MailService.class, "(" + MailService.SERVICE_NAME + "=" + name + ")",
                deadline(), () -> "the mail service " + name + " from " + watchedDir());
        return context.getService(ref);
    }
}
