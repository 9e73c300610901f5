package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.Test;

import dev.mailer.it.oauth.Issuers;
import dev.mailer.it.oauth.TokenRelay.Exchange;
import dev.mailer.testsupport.smtp.Xoauth2Mechanism.Attempt;
import dev.mailer.it.support.LauncherProcess;

/**
 * The operator commands of the launcher — {@code check}, {@code token}, {@code authorize} — run as
 * a user runs them: {@code java -jar mailer.jar COMMAND} from an empty folder, configured by
 * environment variables and secret files only, against the real SMTP and OAuth2 test servers of
 * {@link LauncherOAuthTestBase}. Assertions are on the exit code and the text the operator reads.
 */
public class LauncherToolsIT extends LauncherOAuthTestBase {


    /** check with every step passing (app-only profile): exit 0, each step PASS, nothing sent. */
    @Test
    public void checkPassesEveryStepAndSendsNothing() throws Exception {
        LauncherProcess.Result result = launch(env("office365-app"), "check");

        assertNoSecretIn(result);
        assertEquals("exit 0: " + describe(result), 0, result.exit());
        for (String step : List.of("configuration", "dns", "connect", "tls", "ehlo", "token", "auth", "sender")) {
            assertThat(describe(result), result.stdout(), containsString(passLine(step)));
        }
        assertThat("the EHLO capabilities are listed: " + describe(result), result.stdout(), containsString("XOAUTH2"));
        assertThat("the token step names the grant, never the token: " + describe(result), result.stdout(),
                containsString("client_credentials"));
        assertThat(describe(result), result.stdout(), containsString("All checks passed"));
        assertEquals("check sends nothing without --send-to", List.of(), smtp.messages());
        List<Attempt> attempts = xoauth2.attempts();
        assertEquals("one XOAUTH2 login: " + attempts, 1, attempts.size());
        assertTrue(attempts.get(0).toString(), attempts.get(0).accepted());
        assertTrue("MAIL FROM was tried: " + smtp.verbs(), smtp.verbs().contains("MAIL"));
        assertTrue("but no message data: " + smtp.verbs(), !smtp.verbs().contains("DATA"));
        assertWorkDirStillEmpty();
    }

    /** check --send-to: after the other steps, one test message is delivered. */
    @Test
    public void checkWithSendToDeliversOneTestMessage() throws Exception {
        LauncherProcess.Result result = launch(env("office365-app"), "check", "--send-to", RECIPIENT);

        assertNoSecretIn(result);
        assertEquals("exit 0: " + describe(result), 0, result.exit());
        assertThat(describe(result), result.stdout(), containsString(passLine("send")));
        smtp.awaitMessages(1, SERVER_DEADLINE);
        assertEquals(List.of(RECIPIENT), smtp.messages().get(0).recipients());
        assertEquals(MAILBOX, smtp.messages().get(0).mailFrom());
    }

    /** A wrong client secret: the token step fails with the invalid_client diagnosis; no SMTP login is tried. */
    @Test
    public void checkWithAWrongClientSecretFailsAtTheTokenStepWithTheInvalidClientDiagnosis() throws Exception {
        writeSecret(CLIENT_SECRET_FILE, "wrong-" + clientSecret);

        LauncherProcess.Result result = launch(env("office365-app"), "check");

        assertNoSecretIn(result);
        assertEquals("exit 1: " + describe(result), 1, result.exit());
        assertThat("the steps before it passed: " + describe(result), result.stdout(), containsString(passLine("ehlo")));
        assertThat(describe(result), result.stdout(), containsString("FAIL    token"));
        assertThat(describe(result), result.stderr(), containsString("check failed at step token"));
        assertThat(describe(result), result.stderr(), containsString("invalid_client"));
        assertThat(describe(result), result.stderr(), containsString("AADSTS7000215"));
        assertThat(describe(result), result.stderr(), containsString("clientSecret"));
        assertEquals("no XOAUTH2 attempt", List.of(), xoauth2.attempts());
        assertEquals(List.of(), smtp.messages());
    }

    /** Without the truststore the test CA is unknown: the TLS step fails naming smtp.truststore.path and shows the chain. */
    @Test
    public void checkWithAnUntrustedCertificateFailsAtTheTlsStepNamingTheTruststoreSetting() throws Exception {
        Map<String, String> env = env("office365-app");
        env.remove("SMTP_TRUSTSTORE_PATH");

        LauncherProcess.Result result = launch(env, "check");

        assertNoSecretIn(result);
        assertEquals("exit 1: " + describe(result), 1, result.exit());
        assertThat(describe(result), result.stdout(), containsString(passLine("connect")));
        assertThat(describe(result), result.stdout(), containsString("FAIL    tls"));
        assertThat("the presented chain is shown: " + describe(result), result.stdout(), containsString("CN="));
        assertThat(describe(result), result.stderr(), containsString("check failed at step tls"));
        assertThat(describe(result), result.stderr(), containsString("smtp.truststore.path"));
        assertEquals("no token was requested before TLS worked", 0, tokenEndpoint.count());
        assertEquals(List.of(), xoauth2.attempts());
    }

    /** A server that offers no STARTTLS, with smtp.requiretls on (the default): the TLS step fails and says so. */
    @Test
    public void checkAgainstAServerWithoutStartTlsFailsAtTheTlsStep() throws Exception {
        restartSmtp(builder -> builder.withoutTls());

        LauncherProcess.Result result = launch(env("office365-app"), "check");

        assertNoSecretIn(result);
        assertEquals("exit 1: " + describe(result), 1, result.exit());
        assertThat(describe(result), result.stdout(), containsString("FAIL    tls"));
        assertThat(describe(result), result.stderr(), containsString("check failed at step tls"));
        assertThat(describe(result), result.stderr(), containsString("does not offer STARTTLS"));
        assertEquals("no credentials over plain text", List.of(), xoauth2.attempts());
        assertEquals(0, tokenEndpoint.count());
    }

    /** The server refuses the sender (Exchange's Send-As check): the sender step fails with the diagnosis naming from.address. */
    @Test
    public void checkWithARefusedSenderFailsAtTheSenderStepWithTheSendAsDiagnosis() throws Exception {
        restartSmtp(builder -> builder.refuseSender(MAILBOX,
                "550 5.7.60 SMTP; Client does not have permissions to send as this sender"));

        LauncherProcess.Result result = launch(env("office365-app"), "check");

        assertNoSecretIn(result);
        assertEquals("exit 1: " + describe(result), 1, result.exit());
        assertThat(describe(result), result.stdout(), containsString(passLine("auth")));
        assertThat(describe(result), result.stdout(), containsString("FAIL    sender"));
        assertThat(describe(result), result.stderr(), containsString("check failed at step sender"));
        assertThat(describe(result), result.stderr(), containsString("5.7.60"));
        assertThat(describe(result), result.stderr(), containsString("from.address"));
        assertEquals(List.of(), smtp.messages());
    }

    /** token shows grant, expiry and source, never the token; token --print shows only the token. */
    @Test
    public void tokenShowsTheStatusAndPrintsTheTokenOnlyWithPrint() throws Exception {
        LauncherProcess.Result status = launch(env("office365-app"), "token");

        assertNoSecretIn(status);
        assertEquals("exit 0: " + describe(status), 0, status.exit());
        assertThat(describe(status), status.stdout(), containsString("client_credentials"));
        assertThat(describe(status), status.stdout(), containsString("valid until"));
        assertThat(describe(status), status.stdout(), containsString("not used by this grant"));
        assertEquals("one token obtained", 1, tokenEndpoint.awaitAnswered(1, SERVER_DEADLINE).size());

        LauncherProcess.Result printed = launch(env("office365-app"), "token", "--print");

        assertEquals("exit 0: " + describe(printed), 0, printed.exit());
        Exchange second = tokenEndpoint.awaitAnswered(2, SERVER_DEADLINE).get(1);
        assertEquals("stdout is the access token and nothing else", second.accessToken() + "\n", printed.stdout().replace("\r\n", "\n"));
        assertThat("nothing secret on stderr: " + describe(printed), printed.stderr(), not(containsString(second.accessToken())));
        assertThat(printed.stderr(), not(containsString(clientSecret)));
    }

    /**
     * authorize (authorization code + PKCE) with no refresh token configured: the command prints
     * the URL, the test is the browser (the provider signs the user in and redirects to the
     * loopback listener), the code is exchanged with the verifier, and the next send uses the
     * stored refresh token.
     */
    @Test
    public void authorizeInTheBrowserStoresARefreshTokenThatTheNextSendUses() throws Exception {
        Map<String, String> env = env("office365");
        String redirect = "http://localhost:" + freePort() + "/oauth2/callback";
        env.put("OAUTH_AUTH_URL", oauthServer + "/" + Issuers.OFFICE365.id() + "/authorize");
        env.put("OAUTH_REDIRECT_URL", redirect);
        // mock-oauth2-server is an OpenID provider: its authorize endpoint wants openid among the scopes
        env.put("OAUTH_SCOPES", "openid offline_access " + Issuers.SMTP_SCOPE);

        LauncherProcess.Running authorize = LauncherProcess.start(workDir, env, temp.getRoot().toPath().resolve("output"), "authorize");
        String url = authorize.awaitStdout(Pattern.compile("^\\s+(http\\S+/authorize\\?\\S+)$"), RUN_DEADLINE).group(1);
        assertThat(url, containsString("code_challenge_method=S256"));
        assertThat(url, containsString("code_challenge="));
        assertThat(url, containsString("redirect_uri=" + java.net.URLEncoder.encode(redirect, java.nio.charset.StandardCharsets.UTF_8)));

        // the browser: the provider answers with a redirect to the loopback listener, which the browser follows
        HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> signIn = browser.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        String location = signIn.headers().firstValue("Location").orElse(null);
        assertNotNull("the provider redirects: " + signIn.statusCode() + " " + signIn.body(), location);
        assertTrue(location, location.startsWith(redirect + "?"));
        HttpResponse<String> landing = browser.send(HttpRequest.newBuilder(URI.create(location)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(landing.body(), 200, landing.statusCode());
        assertThat(landing.body(), containsString("Signed in"));

        LauncherProcess.Result authorized = authorize.await(RUN_DEADLINE);
        System.out.println("[launcher authorize] " + describe(authorized));
        assertNoSecretIn(authorized);
        assertEquals("exit 0: " + describe(authorized), 0, authorized.exit());
        assertThat(describe(authorized), authorized.stdout(), containsString("obtained by signing in"));
        Exchange exchange = tokenEndpoint.awaitAnswered(1, SERVER_DEADLINE).get(0);
        assertEquals("authorization_code", exchange.grantType());
        assertNotNull("PKCE: the verifier goes with the code", exchange.form("code_verifier"));
        assertEquals(redirect, exchange.form("redirect_uri"));
        assertEquals(200, exchange.status());
        String refreshToken = exchange.refreshToken();
        assertNotNull("the provider issued a refresh token", refreshToken);

        LauncherProcess.Result sent = launch(env, "send", "--to", RECIPIENT, "--subject", "After authorize", "--text", "Hello");

        assertNoSecretIn(sent);
        assertEquals("exit 0: " + describe(sent), 0, sent.exit());
        Exchange refresh = tokenEndpoint.awaitAnswered(2, SERVER_DEADLINE).get(1);
        assertEquals("refresh_token", refresh.grantType());
        assertEquals("send uses the refresh token authorize stored", refreshToken, refresh.refreshTokenSent());
        smtp.awaitMessages(1, SERVER_DEADLINE);
        assertEquals(MAILBOX, smtp.messages().get(0).authenticatedUser());
    }

    private static String passLine(String step) {
        return String.format("PASS    %-13s ", step);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
