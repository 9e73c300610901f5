package dev.mailer.oauth.impl;

import static dev.mailer.oauth.impl.OAuthTestServer.TOKEN_PATH;
import static dev.mailer.oauth.impl.Waiting.DEADLINE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.api.oauth.TokenStatus.RefreshTokenSource;
import dev.mailer.commons.testing.MutableClock;
import dev.mailer.oauth.impl.Waiting.Caller;

/**
 * A refresh token that the server rotates is sent once, whichever configuration or component
 * instance on the same data area asks, against a server whose refresh tokens are single-use and
 * whose reuse detection revokes the whole sign-in.
 */
class RefreshTokenReuseTest {

    private final MutableClock clock = new MutableClock();
    private final CountDownLatch release = new CountDownLatch(1);
    @RegisterExtension
    final OAuthTestServer server = new OAuthTestServer().rotatingRefreshTokens("refresh-0", 3600);

    @TempDir
    Path data;

    @AfterEach
    void release() {
        release.countDown(); // before the server stops: a held answer would delay that
    }

    private Map<String, Object> config() {
        Map<String, Object> config = server.scriptedConfig();
        config.put("refreshToken", "refresh-0");
        return config;
    }

    private OAuthConfigurationProviderImpl provider(Map<String, Object> config) {
        return new OAuthConfigurationProviderImpl(data.toFile(), config, clock, clock::advance);
    }

    /** Every token request waits for the test to release it. */
    private void holdAnswers() {
        server.beforeEachAnswer(() -> {
            try {
                release.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** The token the caller got, or why it got none. */
    private static String outcome(Caller<String> caller) throws Exception {
        try {
            return caller.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return "failed: " + e.getCause().getMessage();
        }
    }

    @Test
    void aRefreshInFlightWhileTheComponentIsReconfiguredIsNotRepeatedWithTheSameRefreshToken() throws Exception {
        OAuthConfigurationProviderImpl provider = provider(config());
        holdAnswers();
        Caller<String> first = new Caller<>("first sender", provider::getAccessToken);
        assertTrue(server.awaitRequests(TOKEN_PATH, 1, DEADLINE), "the first refresh reached the server");

        Map<String, Object> changed = config();
        changed.put("renewBeforeExpirySeconds", 120);
        provider.modified(changed);
        Caller<String> second = new Caller<>("sender after the reconfiguration", provider::getAccessToken);
        Waiting.untilWaitingForTheRenewalOrRequested(second, server, 2);
        release.countDown();

        String firstToken = outcome(first);
        String secondToken = outcome(second);
        assertEquals(List.of("refresh-0", "refresh-1"), server.refreshTokensReceived(),
                "the new configuration sent the rotated refresh token, not the one in flight");
        assertEquals("access-1", firstToken);
        assertEquals("access-2", secondToken);
    }

    @Test
    void anOldAndANewInstanceOnTheSameDataAreaNeverSendTheSameRefreshToken() throws Exception {
        OAuthConfigurationProviderImpl old = provider(config());
        OAuthConfigurationProviderImpl young = provider(config());
        holdAnswers();
        Caller<String> first = new Caller<>("sender of the old instance", old::getAccessToken);
        assertTrue(server.awaitRequests(TOKEN_PATH, 1, DEADLINE), "the old instance's refresh reached the server");
        Caller<String> second = new Caller<>("sender of the new instance", young::getAccessToken);
        Waiting.untilWaitingForTheRenewalOrRequested(second, server, 2);
        release.countDown();

        String firstToken = outcome(first);
        String secondToken = outcome(second);
        assertEquals(List.of("refresh-0", "refresh-1"), server.refreshTokensReceived());
        assertEquals("access-1", firstToken);
        assertEquals("access-2", secondToken);
        assertEquals(RefreshTokenSource.ROTATED, young.getStatus().getRefreshTokenSource());
        assertEquals(RefreshTokenSource.ROTATED, old.getStatus().getRefreshTokenSource());
    }

    @Test
    void anInstanceThatReadTheStoreBeforeAnotherInstanceRotatedTheTokenSendsTheSuccessor() throws Exception {
        OAuthConfigurationProviderImpl old = provider(config());
        assertEquals(RefreshTokenSource.CONFIGURED, old.getStatus().getRefreshTokenSource(), "nothing stored yet");
        OAuthConfigurationProviderImpl young = provider(config());

        assertEquals("access-1", young.getAccessToken());
        assertEquals("access-2", old.getAccessToken());

        assertEquals(List.of("refresh-0", "refresh-1"), server.refreshTokensReceived());
    }

    @Test
    void aRefreshTokenAnotherProcessRotatedMeanwhileIsSentInsteadOfTheOneReadBefore() throws Exception {
        OAuthConfigurationProviderImpl provider = provider(config());
        assertEquals(RefreshTokenSource.CONFIGURED, provider.getStatus().getRefreshTokenSource());
        // another process on the same data area exchanges refresh-0 and stores the successor
        OAuthSettings settings = OAuthSettings.from(config());
        RefreshTokenStore otherProcess = new RefreshTokenStore(data.resolve(OAuthConfigurationProviderImpl.REFRESH_TOKEN_FILE));
        String successor = new TokenEndpoint(settings).refresh("refresh-0", rotated -> { }).refreshToken;
        otherProcess.put(RefreshTokenStore.keyOf(settings), successor, RefreshTokenSource.ROTATED, clock.instant());

        assertEquals("access-2", provider.getAccessToken());

        assertEquals(List.of("refresh-0", "refresh-1"), server.refreshTokensReceived());
    }
}
