package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.Test;

import dev.mailer.it.oauth.Issuers;
import dev.mailer.it.oauth.OAuthFlows;
import dev.mailer.it.oauth.TokenRelay.Exchange;
import dev.mailer.it.support.LauncherProcess;

/**
 * The upkeep in the launcher, a plain Felix without a Sling scheduler: {@code serve} keeps the
 * grant alive without sends ({@code OAUTH_KEEPALIVE}) until SIGTERM ends it; a short-lived
 * command ({@code token}) ends at once with the upkeep's thread, and shows the keep-alive.
 */
public class LauncherUpkeepIT extends LauncherOAuthTestBase {

    /** SIGTERM ends the JVM with 128 + 15 once the shutdown hook has stopped the framework. */
    private static final int EXIT_AFTER_SIGTERM = 143;

    @Test
    public void serveExchangesTheRefreshTokenEveryKeepAliveWithoutSendsAndTokenShowsTheKeepAlive() throws Exception {
        String configured = OAuthFlows.obtainRefreshToken(oauthServer, Issuers.OFFICE365, CLIENT_ID, clientSecret);
        writeSecret(REFRESH_TOKEN_FILE, configured);
        Map<String, String> env = env("office365");
        env.put("OAUTH_KEEPALIVE", "PT2S");

        LauncherProcess.Running serve = LauncherProcess.start(workDir, env, temp.getRoot().toPath().resolve("serve"), "serve");
        LauncherProcess.Result served;
        try {
            serve.awaitStderr(Pattern.compile("mailer: serving the outbox"), RUN_DEADLINE);
            List<Exchange> requests = tokenEndpoint.awaitAnswered(2, Duration.ofSeconds(30));
            TokenLifetimeIT.assertRefreshTokenChain(requests.subList(0, 2));
            assertEquals(configured, requests.get(0).refreshTokenSent());
            assertEquals("nothing was sent", List.of(), xoauth2.attempts());
        } finally {
            served = serve.terminate(RUN_DEADLINE);
            System.out.println("[launcher serve, office365] " + describe(served));
        }
        assertEquals("SIGTERM ends serve: " + describe(served), EXIT_AFTER_SIGTERM, served.exit());
        assertThat(describe(served), served.stderr(), containsString("UpkeepScheduler - OAuth2 token upkeep every PT1S on a thread"
                + " of its own (mailer-oauth-upkeep): no Apache Sling Commons Scheduler"));
        assertThat(describe(served), served.stderr(), containsString("TokenUpkeep - Keep-alive: obtained an OAuth2 token, none having"
                + " been obtained for PT2S (keepAlive)"));
        assertNoSecretIn(served);

        int before = tokenEndpoint.count();
        // fails (killed after RUN_DEADLINE) if the upkeep's thread held the JVM after the command
        LauncherProcess.Result token = launch(env, "token");
        assertEquals(describe(token), 0, token.exit());
        assertThat(describe(token), token.stdout(), containsString("keep-alive:       after PT2S without a token; last none since"
                + " the start; next due "));
        assertEquals("token sent the refresh token serve rotated to last", tokenEndpoint.exchanges().get(before - 1).refreshToken(),
                tokenEndpoint.exchanges().get(before).refreshTokenSent());
        assertNoSecretIn(token);
    }
}
