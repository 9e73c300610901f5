package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;

import dev.mailer.it.oauth.Issuers;
import dev.mailer.it.oauth.OAuthFlows;
import dev.mailer.it.oauth.OAuthServerHost;
import dev.mailer.it.oauth.TokenRelay;
import dev.mailer.it.oauth.TokenRelay.Exchange;
import dev.mailer.testsupport.smtp.Xoauth2Mechanism;
import dev.mailer.testsupport.smtp.Xoauth2Mechanism.Attempt;
import dev.mailer.it.support.LauncherProcess;
import dev.mailer.testsupport.pki.TestPki;
import dev.mailer.testsupport.smtp.TestSmtpServer;
import dev.mailer.testsupport.smtp.TestSmtpServer.ReceivedMessage;

/**
 * The main command with OAuth2, as the README shows it: {@code java -jar launcher/target/mailer.jar
 * send ...} run as a child process from an empty folder, configured by environment variables and
 * secret files alone ({@code MAILER_PROFILE=office365} / {@code office365-app}, {@code OAUTH_*},
 * {@code SMTP_*}, {@code MAILER_SECRETS_DIR}, {@code MAILER_DATA_DIR}), against servers this test
 * starts in its own JVM:
 * <ul>
 * <li>mock-oauth2-server ({@link OAuthServerHost}) behind {@link TokenRelay} at
 * {@code OAUTH_TOKEN_URL}, which records every token request and checks the client secret as Entra
 * ID does;</li>
 * <li>{@link TestSmtpServer} at {@code SMTP_HOST=localhost}: STARTTLS with a certificate of a
 * test CA (the child trusts it through {@code SMTP_TRUSTSTORE_PATH} and the secret
 * {@code smtp_truststore_password}), AUTH only after it and only XOAUTH2, each token introspected
 * at the OAuth2 server ({@link Xoauth2Mechanism}), command lines limited to 1000 octets.</li>
 * </ul>
 * A plain JUnit test (no Pax Exam: the framework under test is the launcher's own Felix in the
 * child). No token, refresh token, client secret or truststore password may appear in the child's
 * stdout or stderr, also with the protocol trace on.
 */
public class LauncherOAuthIT extends LauncherOAuthTestBase {

    @Test
    public void office365DelegatedSendsWithARefreshTokenFromTheSecretFile() throws Exception {
        String refreshToken = OAuthFlows.obtainRefreshToken(oauthServer, Issuers.OFFICE365, CLIENT_ID, clientSecret);
        writeSecret(REFRESH_TOKEN_FILE, refreshToken);

        LauncherProcess.Result first = send(env("office365"), "Delegated via the launcher");

        assertSentAndNoSecretInOutput(first, 1);
        assertEquals("a send that works prints nothing on stderr (MAILER_LOG_LEVEL defaults to warn): " + describe(first), "",
                first.stderr());
        Exchange request = onlyTokenRequest();
        assertEquals("refresh_token", request.grantType());
        assertEquals("the refresh token of the secret file", refreshToken, request.refreshTokenSent());
        assertEquals(CLIENT_ID, request.form("client_id"));
        assertEquals("the client secret of the secret file", clientSecret, request.form("client_secret"));
        assertEquals("the profile's scopes, sent on refresh", OFFICE365_SCOPES, request.form("scope"));
        assertEquals(200, request.status());
        String rotated = request.refreshToken();
        assertTrue("the server rotated the refresh token", rotated != null && !rotated.equals(refreshToken));
        ReceivedMessage message = assertDeliveredWithXoauth2(1, request.accessToken()).get(0);
        assertThat(new String(message.data(), StandardCharsets.UTF_8), containsString("Subject: Delegated via the launcher\r\n"));
        assertThat("From: SMTP_USER by the profile's default (no SMTP_FROM)", new String(message.data(), StandardCharsets.UTF_8),
                containsString("From: " + MAILBOX + "\r\n"));
        assertEquals(MAILBOX, message.mailFrom());
        assertEquals(List.of(RECIPIENT), message.recipients());

        Map<String, String> debugEnv = env("office365");
        debugEnv.put("MAIL_DEBUG", "true");
        // the trace is logged at INFO, which the launcher's default level for send (warn) hides; debug:
        // the most the launcher can print, for the secret check
        debugEnv.put("MAILER_LOG_LEVEL", "debug");
        LauncherProcess.Result second = send(debugEnv, "Second run, trace on");

        assertSentAndNoSecretInOutput(second, 2);
        assertThat("the protocol trace is on stderr (else the secret check above proves little): " + describe(second),
                second.stderr(), containsString("STARTTLS"));
        assertThat(describe(second), second.stderr(), containsString("AUTH XOAUTH2"));
        assertThat("the XOAUTH2 response line is in the trace, redacted: " + describe(second), second.stderr(),
                containsString("<redacted>"));
        List<Exchange> requests = tokenEndpoint.exchanges();
        assertEquals("one token request per run (a new process has no access token): " + requests, 2, requests.size());
        assertEquals("refresh_token", requests.get(1).grantType());
        assertEquals("the second run sends the refresh token rotated in the first, stored under MAILER_DATA_DIR",
                rotated, requests.get(1).refreshTokenSent());
        for (Exchange e : requests) {
            assertEquals(200, e.status());
        }
        assertNotEquals(refreshToken, requests.get(1).refreshTokenSent());
        List<Attempt> attempts = xoauth2.attempts();
        assertEquals("one accepted XOAUTH2 login per run: " + attempts, 2, attempts.size());
        assertEquals("the second run used its own fresh token", requests.get(1).accessToken(), attempts.get(1).token());
        assertTrue(attempts.get(1).toString(), attempts.get(1).accepted());

        // at rest under MAILER_DATA_DIR: the latest rotated refresh token, encrypted (the launcher's CryptoService) in an
        // owner-only file, and no secret in clear text
        String latest = requests.get(1).refreshToken();
        List<Path> stores = filesUnder(dataDir, "refresh_token.encrypted=");
        assertEquals("exactly one file keeps the latest rotated refresh token, encrypted: " + stores, 1, stores.size());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stores.get(0))));
        Map<String, String> notAtRest = new LinkedHashMap<>();
        notAtRest.put("the latest rotated refresh token", latest);
        notAtRest.put("the configured refresh token", refreshToken);
        notAtRest.put("the superseded rotated refresh token", rotated);
        notAtRest.put("the client secret", clientSecret);
        notAtRest.put("the truststore password", pki.truststorePassword());
        notAtRest.put("the first access token", requests.get(0).accessToken());
        notAtRest.put("the second access token", requests.get(1).accessToken());
        for (Map.Entry<String, String> secret : notAtRest.entrySet()) {
            assertEquals(secret.getKey() + " is stored nowhere under MAILER_DATA_DIR", List.of(), filesUnder(dataDir, secret.getValue()));
        }
    }

    /** office365-app (app-only, client_credentials): only the client secret file, no refresh token. */
    @Test
    public void office365AppOnlySendsWithClientCredentials() throws Exception {
        LauncherProcess.Result result = send(env("office365-app"), "App-only via the launcher");

        assertSentAndNoSecretInOutput(result, 1);
        assertEquals("a send that works prints nothing on stderr: " + describe(result), "", result.stderr());
        Exchange request = onlyTokenRequest();
        assertEquals("client_credentials", request.grantType());
        assertNull("no refresh token in an app-only request", request.refreshTokenSent());
        assertEquals(CLIENT_ID, request.form("client_id"));
        assertEquals(clientSecret, request.form("client_secret"));
        assertEquals(OFFICE365_APP_SCOPE, request.form("scope"));
        assertEquals(200, request.status());
        assertDeliveredWithXoauth2(1, request.accessToken());
    }

    /**
     * A wrong client secret (office365-app): the token endpoint answers 401 invalid_client /
     * AADSTS7000215; the command exits 1 (permanent) with that diagnosis on stderr, and nothing is
     * sent: no SMTP connection at all.
     */
    @Test
    public void wrongClientSecretExits1WithTheInvalidClientDiagnosisAndSendsNothing() throws Exception {
        String wrongSecret = TestPki.randomPassword();
        writeSecret(CLIENT_SECRET_FILE, wrongSecret);

        LauncherProcess.Result result = send(env("office365-app"), "Must not be sent");

        assertNoSecretIn(result);
        assertEquals("exit 1 (refused, permanent): " + describe(result), 1, result.exit());
        assertEquals("nothing on stdout: " + describe(result), "", result.stdout());
        assertThat(describe(result), result.stderr(), containsString("invalid_client"));
        assertThat("quotes error_description: " + describe(result), result.stderr(), containsString("AADSTS7000215"));
        assertThat("names the setting: " + describe(result), result.stderr(), containsString("clientSecret"));
        assertThat("says what to do: " + describe(result), result.stderr(), containsString("client secret"));
        assertThat(describe(result), result.stderr(), containsString("nothing was sent"));

        List<Exchange> requests = tokenEndpoint.exchanges();
        assertFalse("the token endpoint was asked", requests.isEmpty());
        for (Exchange e : requests) {
            assertEquals("client_credentials", e.grantType());
            assertEquals("the secret of the file was sent", wrongSecret, e.form("client_secret"));
            assertEquals(401, e.status());
            assertEquals("invalid_client", e.error());
        }
        assertEquals("no message", 0, smtp.messages().size());
        assertEquals("no SMTP connection at all: " + smtp.events(), List.of(), smtp.events());
        assertEquals("no XOAUTH2 attempt", List.of(), xoauth2.attempts());
        assertWorkDirStillEmpty();
    }

    /** {@link #assertSent}, once the token endpoint answered (its tokens are secrets the output must not show). */
    private void assertSentAndNoSecretInOutput(LauncherProcess.Result result, int number) throws InterruptedException {
        tokenEndpoint.awaitAnswered(1, SERVER_DEADLINE);
        assertSent(result, number);
    }

    /** The one token request of the run so far. */
    private Exchange onlyTokenRequest() {
        List<Exchange> requests = tokenEndpoint.exchanges();
        assertEquals("exactly one token request: " + requests, 1, requests.size());
        return requests.get(0);
    }
}
