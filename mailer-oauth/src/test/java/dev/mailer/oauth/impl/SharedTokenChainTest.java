package dev.mailer.oauth.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.mailer.api.oauth.TokenStatus.RefreshTokenSource;
import dev.mailer.commons.crypto.SecretCipher;
import dev.mailer.commons.testing.MutableClock;

/**
 * Two instances of a cluster on one shared chain (an in-memory store in place of the repository, whose
 * own behaviour ClusterTokenChainIT shows on Oak): the access token one obtains is used by the other
 * without a token request, a sign-in on one serves both, and a token the mail server refused is never taken
 * from the store again.
 * Against the real OAuth2 server over HTTP, which rotates refresh tokens.
 */
class SharedTokenChainTest {

    @RegisterExtension
    final OAuthTestServer server = new OAuthTestServer();
    private final MutableClock clock = new MutableClock();
    private final SharedStore store = new SharedStore();

    @Test
    void theAccessTokenOneInstanceObtainedIsUsedByTheOtherWithoutATokenRequest() throws Exception {
        OAuthSettings settings = settings();
        AccessTokens first = new AccessTokens(settings, new TokenEndpoint(settings), store, clock);
        AccessTokens second = new AccessTokens(settings, new TokenEndpoint(settings), store, clock);
        server.drainRequests();

        String token = first.get();

        assertEquals(token, second.get());
        assertEquals(1, server.drainRequests().size(), "one token request for both instances");
    }

    @Test
    void whenTheTokenIsDueTheInstanceThatRenewsItLeavesTheNewOneForTheOtherAndTheRotatedRefreshTokenIsSentOnce()
            throws Exception {
        OAuthSettings settings = settings();
        AccessTokens first = new AccessTokens(settings, new TokenEndpoint(settings), store, clock);
        AccessTokens second = new AccessTokens(settings, new TokenEndpoint(settings), store, clock);
        server.drainRequests();
        server.nextTokenExpiresIn(600);
        String old = first.get();
        second.get();

        clock.advance(Duration.ofSeconds(400)); // inside the 300 s renewal window of both
        String renewed = second.get();

        assertNotEquals(old, renewed);
        assertEquals(renewed, first.get(), "the first instance uses the token the second obtained");
        List<Map<String, String>> requests = server.drainRequests();
        assertEquals(2, requests.size(), "one request per lifetime for both instances: " + requests);
        assertNotEquals(requests.get(0).get("refresh_token"), requests.get(1).get("refresh_token"));
    }

    @Test
    void aTokenTheMailServerRefusedIsNotTakenFromTheStoreAgain() throws Exception {
        OAuthSettings settings = settings();
        AccessTokens first = new AccessTokens(settings, new TokenEndpoint(settings), store, clock);
        AccessTokens second = new AccessTokens(settings, new TokenEndpoint(settings), store, clock);
        String refused = first.get();
        second.get();
        server.drainRequests();

        second.invalidate(refused);
        String next = second.get();

        assertNotEquals(refused, next);
        assertEquals(1, server.drainRequests().size(), "the second instance requested a new token instead");
    }

    @Test
    void aSignInOnOneInstanceIsUsedByTheOtherAndItsRefreshTokenExchangedOnce() throws Exception {
        OAuthSettings settings = settings();
        AccessTokens first = new AccessTokens(settings, new TokenEndpoint(settings), store, clock);
        AccessTokens second = new AccessTokens(settings, new TokenEndpoint(settings), store, clock);
        String signedIn = server.obtainRefreshToken(settings);
        server.drainRequests();

        first.authorized(new TokenResponse("access-of-the-sign-in", 600L, signedIn, "smtp"), clock.instant());

        assertEquals("access-of-the-sign-in", second.get(), "the other instance uses the sign-in's access token");
        assertEquals(RefreshTokenSource.AUTHORIZED, second.status().getRefreshTokenSource());
        clock.advance(Duration.ofSeconds(400));
        String renewed = second.get();
        assertEquals(renewed, first.get());
        List<Map<String, String>> requests = server.drainRequests();
        assertEquals(1, requests.size(), "one exchange for both: " + requests);
        assertEquals(signedIn, requests.get(0).get("refresh_token"), "the refresh token of the sign-in was exchanged");
    }

    /** The refresh_token grant with a refresh token the server issued (it rotates it on every exchange). */
    private OAuthSettings settings() throws Exception {
        Map<String, Object> config = server.config("refresh_token");
        config.put("refreshToken", "placeholder");
        config.put("refreshToken", server.obtainRefreshToken(OAuthSettings.from(config)));
        return OAuthSettings.from(config);
    }

    /** One chain shared by every instance, as the repository keeps it: the tokens, and one lock. */
    private static final class SharedStore implements TokenChainStore {
        private final ReentrantLock lock = new ReentrantLock();
        private final Map<String, RefreshTokenStore.Stored> chains = new HashMap<>();
        private final Map<String, AccessToken> accessTokens = new HashMap<>();

        @Override
        public synchronized RefreshTokenStore.Stored get(String key) {
            return chains.get(key);
        }

        @Override
        public synchronized void put(String key, String refreshToken, RefreshTokenSource source, Instant savedAt) {
            chains.put(key, new RefreshTokenStore.Stored(key, refreshToken, source, savedAt));
            accessTokens.remove(key);
        }

        @Override
        public synchronized boolean replace(String key, String sent, String successor, Instant savedAt) {
            RefreshTokenStore.Stored stored = chains.get(key);
            if (stored != null && !stored.token.equals(sent)) {
                return false;
            }
            put(key, successor, RefreshTokenSource.ROTATED, savedAt);
            return true;
        }

        @Override
        public Lock renewal(String key) {
            return lock;
        }

        @Override
        public void useCipher(SecretCipher cipher) {
        }

        @Override
        public Location location() {
            return new Location(Location.Kind.REPOSITORY, "/conf/mailer/oauth", RepositoryTokenStore.SERVICE_USER);
        }

        @Override
        public synchronized AccessToken sharedAccessToken(String key) {
            return accessTokens.get(key);
        }

        @Override
        public synchronized void shareAccessToken(String key, AccessToken token) {
            accessTokens.put(key, token);
        }
    }
}
