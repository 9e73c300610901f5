package dev.mailer.bench;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.mailer.api.MailException;
import dev.mailer.api.OAuthConfigurationProvider;

/**
 * The token source of "ours" with XOAUTH2: a token from the local token server, cached until shortly
 * before it expires, as mailer-oauth's provider caches it; a dropped token is requested anew. So the
 * steady state makes no token request per message, and {@link TokenServer#issued()} shows it.
 */
final class LocalTokenProvider implements OAuthConfigurationProvider {

    private static final Duration RENEW_BEFORE = Duration.ofMinutes(5);

    private final TokenClient client = new TokenClient();
    private final URI tokenUri;
    private String token;
    private Instant expiry;

    LocalTokenProvider(URI tokenUri) {
        this.tokenUri = tokenUri;
    }

    @Override
    public synchronized String getAccessToken() throws MailException {
        Instant now = Instant.now();
        if (token == null || !now.isBefore(expiry.minus(RENEW_BEFORE))) {
            try {
                token = client.requestToken(tokenUri);
            } catch (IOException e) {
                throw MailException.transientFailure("token request failed: " + e.getMessage()).build();
            }
            expiry = now.plusSeconds(TokenServer.LIFETIME_SECONDS);
        }
        return token;
    }

    @Override
    public synchronized void invalidateAccessToken(String rejectedToken) {
        if (rejectedToken.equals(token)) {
            token = null;
        }
    }

    @Override
    public synchronized Optional<Instant> getAccessTokenExpiry(String accessToken) {
        return accessToken.equals(token) ? Optional.of(expiry) : Optional.empty();
    }
}
