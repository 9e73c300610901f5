package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.osgi.framework.Bundle;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.it.oauth.Issuers;
import dev.mailer.it.oauth.OAuthFlows;
import dev.mailer.it.oauth.TokenRelay.Exchange;
import dev.mailer.it.smtp.Xoauth2Client;
import dev.mailer.testsupport.smtp.Xoauth2Mechanism.Attempt;
import dev.mailer.it.support.Await;
import dev.mailer.testsupport.smtp.TestSmtpServer.ReceivedMessage;
import dev.mailer.testsupport.smtp.TestSmtpServer.SmtpEvent;

/**
 * Mail delivered with XOAUTH2 through the real provider profiles: a token from the
 * {@code refresh_token} grant (office365) and from {@code client_credentials} (office365-app),
 * cached across sends, on one pooled connection logged in once; a token of about 2 KB against a
 * server limiting command lines to 1000 octets; and a token the SMTP server refuses: dropped, fetched
 * again exactly once, the send retried exactly once.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OAuthDeliveryIT extends OAuthTestSupport {

    @Test
    public void refreshTokenGrantDeliversMailOverStartTlsAndReusesTheToken() throws Exception {
        String refreshToken = obtainRefreshToken(Issuers.OFFICE365);
        useRefreshToken(refreshToken);
        MailService mail = installProfile(OFFICE365);

        send(mail, simpleMail("delegated 1", "jane@example.com"));
        send(mail, simpleMail("delegated 2", "jane@example.com"));

        List<ReceivedMessage> received = smtp.awaitMessages(2, deadline());
        List<Exchange> requests = tokenEndpoint.exchanges();
        assertEquals("one token request for two mails: " + requests, 1, requests.size());
        Exchange request = requests.get(0);
        assertEquals("refresh_token", request.grantType());
        assertEquals("the configured refresh token (secret oauth_refresh_token)", refreshToken, request.refreshTokenSent());
        assertEquals(clientId(), request.form("client_id"));
        assertEquals("the client secret (secret oauth_client_secret)", clientSecret, request.form("client_secret"));
        assertEquals("scopes sent on refresh, as Microsoft's v2 endpoint wants", OFFICE365_SCOPES, request.form("scope"));
        assertEquals(200, request.status());
        assertDeliveredWithXoauth2(received, request.accessToken());
    }

    @Test
    public void clientCredentialsGrantDeliversMailAndReusesTheToken() throws Exception {
        MailService mail = installProfile(OFFICE365_APP);

        send(mail, simpleMail("app-only 1", "jane@example.com"));
        send(mail, simpleMail("app-only 2", "jane@example.com"));

        List<ReceivedMessage> received = smtp.awaitMessages(2, deadline());
        List<Exchange> requests = tokenEndpoint.exchanges();
        assertEquals("one token request for two mails: " + requests, 1, requests.size());
        Exchange request = requests.get(0);
        assertEquals("client_credentials", request.grantType());
        assertNull("no refresh token in an app-only request", request.refreshTokenSent());
        assertEquals(clientId(), request.form("client_id"));
        assertEquals(clientSecret, request.form("client_secret"));
        assertEquals(OFFICE365_APP_SCOPE, request.form("scope"));
        assertEquals(200, request.status());
        assertDeliveredWithXoauth2(received, request.accessToken());
    }

    @Test
    public void twentySendsOverStartTlsAndXoauth2UseOneConnectionOneLoginAndOneTokenRequest() throws Exception {
        MailService mail = installProfile(OFFICE365_APP);

        for (int i = 1; i <= 20; i++) {
            send(mail, simpleMail("pooled " + i, "jane@example.com"));
        }

        List<ReceivedMessage> received = smtp.awaitMessages(20, deadline());
        assertEquals("one token request for 20 mails: " + tokenEndpoint.exchanges(), 1, tokenEndpoint.count());
        assertEquals("one connection for 20 mails: " + smtp.events(), 1, smtp.count("CONNECT"));
        assertEquals("one STARTTLS", 1, smtp.count("STARTTLS"));
        assertTrue("all on it: " + received, received.stream().allMatch(m -> m.connection() == 1));
        assertDeliveredWithXoauth2(received, tokenEndpoint.last().accessToken());
        assertEquals("each mail once", 20, received.stream().map(m -> new String(m.data(), StandardCharsets.UTF_8)
                .replaceAll("(?s).*\r\nSubject: ([^\r]*).*", "$1")).distinct().count());

        Bundle core = coreBundle();
        core.stop();
        smtp.awaitOpenConnections(0, deadline());
        assertEquals("mailer-core ended its connection when it stopped: " + smtp.verbs(), 1, smtp.count("QUIT"));
        core.start();
    }

    private Bundle coreBundle() {
        return Stream.of(context.getBundles()).filter(b -> "dev.mailer.mailer-core".equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("no mailer-core"));
    }

    @Test
    public void tokenOf2KbAuthenticatesAgainstAServerLimitingCommandLinesTo1000Octets() throws Exception {
        tokenEndpoint.useIssuer(Issuers.LONG);
        MailService mail = installProfile(OFFICE365_APP);

        send(mail, simpleMail("long token", "jane@example.com"));

        List<ReceivedMessage> received = smtp.awaitMessages(1, deadline());
        String token = tokenEndpoint.last().accessToken();
        assertTrue("the token is at least 2 KB: " + token.length() + " octets", token.length() >= 2048);
        Attempt attempt = xoauth2.attempts().get(0);
        assertTrue("the response went on its own line after the 334: " + attempt, attempt.twoStep());
        assertTrue("the response is longer than the line limit: " + attempt, attempt.responseLength() > SMTP_LINE_LIMIT);
        assertTrue(attempt.toString(), attempt.accepted());
        assertFalse("no line was refused as too long: " + smtp.events(),
                smtp.events().stream().anyMatch(e -> "LINE-TOO-LONG".equals(e.verb())));
        assertEquals(USER, received.get(0).authenticatedUser());

        // the same response inline would not have fitted: the server refuses such a line
        String inline = "AUTH XOAUTH2 " + Base64.getEncoder().encodeToString(
                ("user=" + USER + "\u0001auth=Bearer " + token + "\u0001\u0001").getBytes(StandardCharsets.UTF_8));
        assertThat(rawCommand(smtp.port(), inline), containsString("500 5.5.6"));
    }

    @Test
    public void tokenTheServerRefusesIsDroppedFetchedAgainOnceAndTheSendRetriedOnce() throws Exception {
        MailService mail = installProfile(OFFICE365_APP);
        send(mail, simpleMail("before the revocation", "jane@example.com"));
        String revoked = tokenEndpoint.last().accessToken();
        xoauth2.revoke(revoked);
        // a server restart ends the session logged in with it: the next mail logs in anew
        smtp.dropConnections();
        smtp.awaitOpenConnections(0, deadline());

        send(mail, simpleMail("after the revocation", "jane@example.com"));

        List<ReceivedMessage> received = smtp.awaitMessages(2, deadline());
        assertEquals("exactly one token request more: " + tokenEndpoint.exchanges(), 2, tokenEndpoint.count());
        String fresh = tokenEndpoint.last().accessToken();
        assertNotEquals(revoked, fresh);
        List<Attempt> attempts = xoauth2.attempts();
        assertEquals("AUTH: the first send, the refused one, exactly one retry: " + attempts, 3, attempts.size());
        assertTrue(attempts.get(0).accepted());
        assertEquals(revoked, attempts.get(1).token());
        assertEquals("revoked", attempts.get(1).refusal());
        assertEquals("the client answered the 334 error challenge with an empty line", "", attempts.get(1).errorChallengeAnswer());
        assertEquals(fresh, attempts.get(2).token());
        assertTrue(attempts.get(2).accepted());
        assertEquals("each mail exactly once", List.of(1, 1), List.of(
                countSubject(received, "before the revocation"), countSubject(received, "after the revocation")));
        assertEquals("no third message", 2, smtp.messages().size());
    }

    @Test
    public void tokenRefusedAgainAfterTheRetryIsAPermanentFailureWithTheServersDetail() throws Exception {
        xoauth2.refuseEveryToken(true);
        MailService mail = installProfile(OFFICE365_APP);

        MailException e = sendFails(mail, simpleMail("must not be sent", "jane@example.com"));

        assertFalse("permanent: " + e.getMessage(), e.isTransient());
        assertEquals(535, e.getReplyCode());
        assertEquals("5.7.8", e.getEnhancedStatus().orElse(null));
        assertThat(e.getMessage(), containsString("smtp.user"));
        assertThat("the decoded 334 JSON is in the diagnosis", e.getDiagnosis().orElse(""), containsString("\"status\":\"401\""));
        assertEquals("the first token and exactly one fresh one: " + tokenEndpoint.exchanges(), 2, tokenEndpoint.count());
        List<Attempt> attempts = xoauth2.attempts();
        assertEquals("exactly one retry: " + attempts, 2, attempts.size());
        assertNotEquals("the retry used the fresh token", attempts.get(0).token(), attempts.get(1).token());
        for (Attempt attempt : attempts) {
            assertFalse(attempt.accepted());
            assertEquals("", attempt.errorChallengeAnswer());
        }
        assertEquals(0, smtp.messages().size());
        for (String secret : tokenEndpoint.secretsSeen()) {
            assertThat("the exception shows no token or secret", e.toString() + e.getDiagnosis().orElse(""), not(containsString(secret)));
        }
    }

    @Test
    public void theSmtpServerRefusesExpiredForgedAndForeignTokensAndAcceptsAValidOne() throws Exception {
        String valid = OAuthFlows.clientCredentialsToken(oauthServer(), Issuers.OFFICE365, clientId(), clientSecret);
        String expiring = OAuthFlows.clientCredentialsToken(oauthServer(), Issuers.EXPIRING, clientId(), clientSecret);
        String[] parts = valid.split("\\.");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace(clientId(), "intruder")
                        .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        secrets.addAll(List.of(valid, expiring, forged));

        assertThat(xoauth2(USER, valid), containsString("235 2.7.0"));
        assertThat("another mailbox than the token's", xoauth2("someone-else", valid), containsString("535 5.7.8"));
        assertThat("a forged token (payload changed, signature not)", xoauth2(USER, forged), containsString("535 5.7.8"));
        Await.past(tokenExpiry(expiring).plusMillis(100), deadline());
        assertThat("an expired token", xoauth2(USER, expiring), containsString("535 5.7.8"));

        List<String> refusals = xoauth2.attempts().stream().map(Attempt::refusal).collect(Collectors.toList());
        assertEquals(4, refusals.size());
        assertNull(refusals.get(0));
        assertThat(refusals.get(1), containsString("neither the token's subject nor a mailbox granted to it"));
        assertThat(refusals.get(2), containsString("inactive"));
        assertThat(refusals.get(3), containsString("expired"));
    }

    /** A bare XOAUTH2 login at the test SMTP server; the server's replies. */
    private String xoauth2(String user, String token) throws Exception {
        return Xoauth2Client.authenticate(smtp.port(), pki().clientContext(), user, token).toString();
    }

    private static Instant tokenExpiry(String jwt) {
        String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
        java.util.regex.Matcher exp = java.util.regex.Pattern.compile("\"exp\"\\s*:\\s*(\\d+)").matcher(payload);
        assertTrue("exp in the token", exp.find());
        return Instant.ofEpochSecond(Long.parseLong(exp.group(1)));
    }

    /** Each message came over TLS, authenticated as the mailbox with XOAUTH2 and {@code token}. */
    private void assertDeliveredWithXoauth2(List<ReceivedMessage> received, String token) {
        for (ReceivedMessage message : received) {
            assertTrue("over TLS: " + message, message.tls());
            assertEquals("authenticated as the mailbox", USER, message.authenticatedUser());
        }
        List<Attempt> attempts = xoauth2.attempts();
        assertEquals("one XOAUTH2 login for all mails, on the pooled connection: " + attempts, 1, attempts.size());
        for (Attempt attempt : attempts) {
            assertTrue(attempt.toString(), attempt.accepted());
            assertEquals("user= is smtp.user", USER, attempt.user());
            assertTrue("the token the endpoint issued", token.equals(attempt.token()));
            assertTrue("sent on its own line after AUTH XOAUTH2 / 334: " + attempt, attempt.twoStep());
        }
        List<String> verbs = smtp.verbs();
        assertTrue("STARTTLS before AUTH: " + verbs, verbs.indexOf("STARTTLS") >= 0 && verbs.indexOf("STARTTLS") < verbs.indexOf("AUTH"));
        for (SmtpEvent e : smtp.events()) {
            if (List.of("AUTH", "MAIL", "RCPT", "DATA").contains(e.verb())) {
                assertTrue(e + " only after the TLS upgrade", e.tls());
            }
        }
    }

    private static int countSubject(List<ReceivedMessage> received, String subject) {
        return (int) received.stream().map(m -> new String(m.data(), StandardCharsets.UTF_8))
                .filter(data -> data.contains("Subject: " + subject + "\r\n")).count();
    }

    /** Sends one command line on a fresh connection (before STARTTLS) and returns the reply. */
    private static String rawCommand(int port, String line) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            in.readLine(); // 220
            out.write(("EHLO it.example\r\n").getBytes(StandardCharsets.US_ASCII));
            String reply;
            do {
                reply = in.readLine();
            } while (reply != null && reply.startsWith("250-"));
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = in.readLine();
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return answer + " (to a line of " + line.length() + " octets)";
        }
    }
}
