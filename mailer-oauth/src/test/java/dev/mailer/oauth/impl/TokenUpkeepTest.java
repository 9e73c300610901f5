package dev.mailer.oauth.impl;

import static dev.mailer.oauth.impl.OAuthTestServer.TOKEN_PATH;
import static dev.mailer.oauth.impl.OAuthTestServer.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.api.oauth.TokenStatus;
import dev.mailer.api.oauth.TokenStatus.RefreshTokenSource;
import dev.mailer.commons.crypto.CryptoFailures;
import dev.mailer.commons.crypto.SecretCiphers;
import dev.mailer.commons.testing.MutableClock;
import dev.mailer.commons.testing.StandardError;

/**
 * The upkeep's two jobs, run by the test as the scheduler would ({@code renewAhead()} and
 * {@code keepAlive()} of the component), with a test clock: the renewal of the token in use ahead
 * of the sends, against the real OAuth2 server; the keep-alive of an idle grant, against a server
 * whose refresh tokens rotate and are single-use.
 */
class TokenUpkeepTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration DAY = Duration.ofDays(1);

    @RegisterExtension
    final OAuthTestServer server = new OAuthTestServer();
    private final MutableClock clock = new MutableClock();

    @TempDir
    Path data;

    private OAuthConfigurationProviderImpl provider(Map<String, Object> config) {
        return new OAuthConfigurationProviderImpl(data.toFile(), config, clock, clock::advance);
    }

    /** The refresh_token grant against the scripted server whose refresh tokens rotate: refresh-0, then refresh-1, ... */
    private Map<String, Object> rotating(String keepAlive) {
        server.rotatingRefreshTokens("refresh-0", 3600);
        Map<String, Object> config = server.scriptedConfig();
        config.put("refreshToken", "refresh-0");
        config.put("keepAlive", keepAlive);
        return config;
    }

    private String stored() throws Exception {
        return Files.readString(data.resolve(OAuthConfigurationProviderImpl.REFRESH_TOKEN_FILE));
    }

    @Test
    void afterTheFirstTokenTheUpkeepRenewsAheadSoThatNoGetRequestsATokenAcrossManyLifetimes() throws Exception {
        Map<String, Object> config = server.config("refresh_token");
        config.put("refreshToken", server.obtainRefreshToken(OAuthSettings.from(config)));
        OAuthConfigurationProviderImpl provider = provider(config);

        provider.getAccessToken();
        assertEquals(1, server.drainRequests().size(), "the first token is the send's");
        int renewedByTheUpkeep = 0;
        // five hours of sends every 20 s, with the upkeep running every minute: five lifetimes of the 1 h tokens
        for (int minute = 1; minute <= 5 * 60; minute++) {
            clock.advance(Duration.ofSeconds(20));
            Instant before = provider.getStatus().getLastRenewal().orElseThrow();
            provider.renewAhead();
            if (!provider.getStatus().getLastRenewal().orElseThrow().equals(before)) {
                renewedByTheUpkeep++;
            }
            for (int send = 0; send < 3; send++) {
                clock.advance(Duration.ofSeconds(send == 0 ? 0 : 20));
                TokenStatus status = provider.getStatus();
                provider.getAccessToken();
                // every token request that succeeds sets lastRenewal to its time, one that fails sets lastError
                assertEquals(status.getLastRenewal(), provider.getStatus().getLastRenewal(), "a get at " + clock.instant()
                        + " requested a token");
                assertEquals(Optional.empty(), provider.getStatus().getLastError());
                assertTrue(provider.getStatus().hasValidToken(clock.instant()));
            }
        }
        assertTrue(renewedByTheUpkeep >= 5 && renewedByTheUpkeep <= 6, "about one renewal per lifetime: " + renewedByTheUpkeep);
        assertEquals(renewedByTheUpkeep, server.drainRequests().size(), "no other token request");
    }

    @Test
    void theUpkeepRenewsNothingBeforeATokenIsInUse() throws Exception {
        Map<String, Object> config = server.config("client_credentials");
        config.put("keepAlive", "PT0S");
        OAuthConfigurationProviderImpl provider = provider(config);

        for (int run = 0; run < 10; run++) {
            clock.advance(Duration.ofHours(1));
            provider.renewAhead();
            provider.keepAlive();
        }

        assertEquals(List.of(), server.drainRequests());
        assertTrue(provider.getStatus().getKeepAlive().isEmpty(), "PT0S turns the keep-alive off");
        assertTrue(provider.getStatus().getKeepAliveDue().isEmpty());
    }

    @Test
    void aTokenTheMailServerRefusedIsReplacedByTheUpkeepBeforeTheNextSend() throws Exception {
        OAuthConfigurationProviderImpl provider = provider(server.config("client_credentials"));
        String refused = provider.getAccessToken();
        server.drainRequests();

        provider.invalidateAccessToken(refused);
        provider.renewAhead();
        assertEquals(1, server.drainRequests().size(), "the upkeep obtained a new token");

        assertNotEquals(refused, provider.getAccessToken());
        assertEquals(List.of(), server.drainRequests(), "the send found it ready");
    }

    @Test
    void whenNoTokenWasObtainedForKeepAliveTheRefreshTokenIsExchangedAndTheRotatedOneStored() throws Exception {
        OAuthConfigurationProviderImpl provider = provider(rotating("P7D"));
        Instant start = clock.instant();
        assertEquals(Duration.ofDays(7), provider.getStatus().getKeepAlive().orElseThrow());
        assertEquals(start.plus(Duration.ofDays(7)), provider.getStatus().getKeepAliveDue().orElseThrow(),
                "nothing known about the configured token: counted from the start");

        clock.advance(DAY.multipliedBy(7).minus(MINUTE));
        provider.keepAlive();
        assertEquals(List.of(), server.refreshTokensReceived(), "not due yet");

        clock.advance(MINUTE);
        provider.keepAlive();
        assertEquals(List.of("refresh-0"), server.refreshTokensReceived());
        assertTrue(stored().contains("refresh-1"), "the rotated refresh token is stored");
        TokenStatus status = provider.getStatus();
        assertEquals(RefreshTokenSource.ROTATED, status.getRefreshTokenSource());
        assertEquals(clock.instant(), status.getLastKeepAlive().orElseThrow());
        assertEquals(clock.instant(), status.getLastRenewal().orElseThrow());
        assertEquals(clock.instant().plus(Duration.ofDays(7)), status.getKeepAliveDue().orElseThrow());
        assertTrue(status.getLastError().isEmpty());

        clock.advance(DAY.multipliedBy(7));
        provider.keepAlive();
        provider.renewAhead();
        assertEquals(List.of("refresh-0", "refresh-1"), server.refreshTokensReceived(),
                "again a week later, with the rotated token; the renewal job leaves a token nobody used alone");
        assertTrue(stored().contains("refresh-2"));
        assertFalse(stored().contains("refresh-1"));
    }

    @Test
    void withoutACryptoServiceItIsSaidOnceAcrossRotationsAndAReconfigurationThatTokensAreStoredUnencryptedOwnerOnly()
            throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Map<String, Object> config = rotating("P1D");

        String log = StandardError.capture(() -> {
            OAuthConfigurationProviderImpl provider = provider(config);
            for (int day = 0; day < 3; day++) {
                clock.advance(DAY);
                provider.keepAlive();
            }
            provider.modified(config);
            clock.advance(DAY);
            provider.getAccessToken();
        });

        assertEquals(List.of("refresh-0", "refresh-1", "refresh-2", "refresh-3"), server.refreshTokensReceived(),
                "three keep-alives and a send, each with the refresh token the one before rotated to");
        assertTrue(stored().contains("refresh_token=refresh-4"), "stored unencrypted");
        Path file = data.toRealPath().resolve(OAuthConfigurationProviderImpl.REFRESH_TOKEN_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String said = CryptoFailures.storedUnencrypted("Refresh tokens", file, SecretCiphers.none());
        assertEquals(1, log.split(Pattern.quote(said), -1).length - 1, "said once, not per rotation or reconfiguration: " + log);
        assertTrue(log.contains("WARN " + OAuthConfigurationProviderImpl.class.getName() + " - " + said), log);
    }

    @Test
    void aTokenObtainedForASendPostponesTheKeepAlive() throws Exception {
        OAuthConfigurationProviderImpl provider = provider(rotating("P7D"));
        clock.advance(DAY.multipliedBy(5));
        provider.getAccessToken();
        Instant sent = clock.instant();

        clock.advance(DAY.multipliedBy(3));
        provider.keepAlive();

        assertEquals(List.of("refresh-0"), server.refreshTokensReceived(), "only the send's request");
        assertEquals(sent.plus(Duration.ofDays(7)), provider.getStatus().getKeepAliveDue().orElseThrow());
        assertTrue(provider.getStatus().getLastKeepAlive().isEmpty());
    }

    @Test
    void afterARestartTheKeepAliveCountsFromWhenTheStoredRefreshTokenWasIssued() throws Exception {
        Map<String, Object> config = rotating("P7D");
        provider(config).getAccessToken(); // rotates refresh-0 to refresh-1, stored now
        Instant rotated = clock.instant();

        clock.advance(DAY.multipliedBy(6));
        OAuthConfigurationProviderImpl restarted = provider(config);
        assertEquals(rotated.plus(Duration.ofDays(7)), restarted.getStatus().getKeepAliveDue().orElseThrow());
        clock.advance(DAY);
        restarted.keepAlive();

        assertEquals(List.of("refresh-0", "refresh-1"), server.refreshTokensReceived(),
                "a week after the rotation, though the process ran for a day only");
    }

    @Test
    void theKeepAliveOfClientCredentialsObtainsAToken() throws Exception {
        Map<String, Object> config = server.config("client_credentials");
        config.put("keepAlive", "P30D");
        OAuthConfigurationProviderImpl provider = provider(config);

        clock.advance(DAY.multipliedBy(30));
        provider.keepAlive();

        List<Map<String, String>> requests = server.drainRequests();
        assertEquals(1, requests.size());
        assertEquals("client_credentials", requests.get(0).get("grant_type"));
        assertEquals(clock.instant(), provider.getStatus().getLastKeepAlive().orElseThrow());
    }

    @Test
    void withoutARefreshTokenThereIsNothingToKeepAlive() throws Exception {
        Map<String, Object> config = server.scriptedConfig(); // no refresh token configured, none authorized
        OAuthConfigurationProviderImpl provider = provider(config);

        clock.advance(DAY.multipliedBy(30));
        provider.keepAlive();

        assertEquals(List.of(), server.requests(TOKEN_PATH));
        assertTrue(provider.getStatus().getKeepAliveDue().isEmpty());
        assertTrue(provider.getStatus().getLastError().isEmpty(), "no error: nobody asked for a token");
    }

    @Test
    void aRefusedKeepAliveShowsTheProvidersErrorInTheStatusAndIsRetriedAfterAnHour() throws Exception {
        Map<String, Object> config = server.scriptedConfig();
        config.put("refreshToken", "refresh-s3cret");
        server.then(TOKEN_PATH, 400, error("invalid_grant", "AADSTS700082: The refresh token has expired due to inactivity."));
        OAuthConfigurationProviderImpl provider = provider(config);

        clock.advance(DAY.multipliedBy(7));
        provider.keepAlive();

        TokenStatus status = provider.getStatus();
        String error = status.getLastError().orElseThrow();
        assertTrue(error.contains("invalid_grant (AADSTS700082: The refresh token has expired due to inactivity.)"), error);
        assertTrue(error.contains("authorize again to get a new one"), error);
        assertFalse(error.contains("refresh-s3cret"), error);
        assertEquals(clock.instant(), status.getLastErrorAt().orElseThrow());
        assertTrue(status.isLastErrorPermanent(), "a refused refresh token does not heal by waiting: the health check goes red");
        assertTrue(status.getLastKeepAlive().isEmpty());
        assertEquals(clock.instant().plus(TokenUpkeep.KEEP_ALIVE_RETRY), status.getKeepAliveDue().orElseThrow());
        assertFalse(status.toString().contains("refresh-s3cret"));

        clock.advance(TokenUpkeep.KEEP_ALIVE_RETRY.minus(MINUTE));
        provider.keepAlive();
        assertEquals(1, server.requests(TOKEN_PATH).size(), "not retried on every run");
        clock.advance(MINUTE);
        provider.keepAlive();
        assertEquals(2, server.requests(TOKEN_PATH).size(), "retried an hour later");
    }

    @Test
    void theKeepAliveLogLineNamesTheSettingAndQuotesTheFailure() throws Exception {
        String line = OAuthFailures.keepAliveFailed(Duration.ofDays(7), OAuthFailures.noRefreshToken());
        assertTrue(line.startsWith("Keep-alive failed: no OAuth2 token was obtained for P7D (keepAlive), and the token request"
                + " made to keep the grant alive failed; sends will fail the same way until it is fixed: No OAuth2 access token:"),
                line);
    }

    @Test
    void theUpkeepRunsEveryMinuteOrFourTimesPerKeepAliveInWholeSeconds() throws Exception {
        Map<String, Object> config = server.config("client_credentials");
        assertEquals(Duration.ofMinutes(1), TokenUpkeep.period(OAuthSettings.from(config)), "the default");
        config.put("keepAlive", "PT2M");
        assertEquals(Duration.ofSeconds(30), TokenUpkeep.period(OAuthSettings.from(config)));
        config.put("keepAlive", "PT3S");
        assertEquals(Duration.ofSeconds(1), TokenUpkeep.period(OAuthSettings.from(config)), "at least a second");
        config.put("keepAlive", "PT0S");
        config.put("upkeepInterval", "PT10.5S");
        assertEquals(Duration.ofSeconds(10), TokenUpkeep.period(OAuthSettings.from(config)));
    }
}
