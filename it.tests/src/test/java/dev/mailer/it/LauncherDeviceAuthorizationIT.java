package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import dev.mailer.it.oauth.DeviceFlowServer;
import dev.mailer.testsupport.smtp.Xoauth2Mechanism;
import dev.mailer.testsupport.smtp.Xoauth2Mechanism.Attempt;
import dev.mailer.it.support.LauncherProcess;
import dev.mailer.testsupport.pki.TestPki;
import dev.mailer.testsupport.smtp.TestSmtpServer.ReceivedMessage;

/**
 * {@code authorize --device} (RFC 8628) against a real authorization server with the device grant
 * (Spring Authorization Server, {@link DeviceFlowServer}, as a child process): the command prints
 * the verification URL and user code, the test signs in as the mailbox user and approves the code
 * in the server's own pages, the command stores the refresh token, and the next {@code send}
 * uses it. The SMTP server introspects every token at that authorization server.
 */
public class LauncherDeviceAuthorizationIT extends LauncherOAuthTestBase {

    private static final String USER = "alice@example.test";

    private DeviceFlowServer authorizationServer;
    private Xoauth2Mechanism deviceTokens;

    @Before
    public void startAuthorizationServer() throws Exception {
        authorizationServer = DeviceFlowServer.builder(temp.newFolder("authorization-server").toPath())
                .clientId(CLIENT_ID)
                .clientSecret(clientSecret)
                .scopes("SMTP.Send", "offline_access")
                .username(USER)
                .password(TestPki.randomPassword())
                .start();
        deviceTokens = new Xoauth2Mechanism(authorizationServer.issuer(), "SMTP.Send");
        restartSmtp(builder -> builder.authenticateOnlyWith(deviceTokens));
    }

    @After
    public void stopAuthorizationServer() throws Exception {
        if (authorizationServer != null) {
            authorizationServer.close();
        }
    }

    @Test
    public void deviceCodeSignInStoresARefreshTokenThatTheNextSendUses() throws Exception {
        Map<String, String> env = deviceFlowEnv();

        LauncherProcess.Running authorize = LauncherProcess.start(workDir, env, temp.getRoot().toPath().resolve("output"),
                "authorize", "--device");
        String userCode = authorize.awaitStdout(Pattern.compile("and enter the code (\\S+)"), RUN_DEADLINE).group(1);
        assertThat(authorize.awaitStdout(Pattern.compile("open (\\S+)"), RUN_DEADLINE).group(1),
                containsString(authorizationServer.issuer()));
        authorizationServer.approveDeviceCode(userCode);
        LauncherProcess.Result authorized = authorize.await(RUN_DEADLINE);
        System.out.println("[launcher authorize --device] " + describe(authorized));

        assertNoSecretIn(authorized);
        assertEquals("exit 0: " + describe(authorized), 0, authorized.exit());
        assertThat(describe(authorized), authorized.stdout(), containsString("obtained by signing in"));

        LauncherProcess.Result sent = launch(env, "send", "--to", RECIPIENT, "--subject", "After device sign-in", "--text", "Hello");

        assertNoSecretIn(sent);
        assertEquals("exit 0: " + describe(sent), 0, sent.exit());
        List<ReceivedMessage> messages = smtp.awaitMessages(1, SERVER_DEADLINE);
        assertEquals(USER, messages.get(0).authenticatedUser());
        List<Attempt> attempts = deviceTokens.attempts();
        assertEquals(attempts.toString(), 1, attempts.size());
        assertTrue("the token of the authorization server, introspected there: " + attempts.get(0), attempts.get(0).accepted());
        // no refresh token is configured (no secret file): the send could only use the one authorize stored
    }

    /** Nothing approved before --timeout: exit 1, nothing stored, send still has no refresh token. */
    @Test
    public void deviceCodeNotApprovedInTimeStoresNothing() throws Exception {
        Map<String, String> env = deviceFlowEnv();

        LauncherProcess.Result timedOut = launch(env, "authorize", "--device", "--timeout", "3");

        assertEquals("exit 1: " + describe(timedOut), 1, timedOut.exit());
        assertThat(describe(timedOut), timedOut.stderr(), containsString("nothing was stored"));

        LauncherProcess.Result sent = launch(env, "send", "--to", RECIPIENT, "--subject", "s", "--text", "t");
        assertEquals("exit 1: " + describe(sent), 1, sent.exit());
        assertThat(describe(sent), sent.stderr(), containsString("authorize"));
        assertThat(describe(sent), sent.stderr(), containsString("refreshToken"));
        assertEquals(List.of(), smtp.messages());
    }


    /** The office365 profile with the endpoints of the authorization server and its user's mailbox; no refresh token. */
    private Map<String, String> deviceFlowEnv() {
        Map<String, String> env = env("office365");
        env.put("OAUTH_TOKEN_URL", authorizationServer.tokenUrl());
        env.put("OAUTH_DEVICE_AUTH_URL", authorizationServer.deviceAuthorizationUrl());
        env.put("OAUTH_SCOPES", "SMTP.Send offline_access");
        env.put("SMTP_USER", USER);
        return env;
    }
}
