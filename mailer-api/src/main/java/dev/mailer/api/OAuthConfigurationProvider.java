package dev.mailer.api;

import java.time.Instant;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Supplies OAuth2 access tokens for SMTP XOAUTH2 authentication. The mail service asks for the
 * current token for every message (a connection authenticated with another token is not reused),
 * so an implementation caches and renews tokens itself. Implementations must be thread-safe.
 */
@ConsumerType
public interface OAuthConfigurationProvider {

    /**
     * The current access token, renewed ahead of its expiry.
     *
     * @throws MailException when no token can be obtained (the token endpoint refused, or cannot be reached)
     */
    String getAccessToken() throws MailException;

    /**
     * Called when the SMTP server refused {@code rejectedToken}: forget it, so that the next
     * {@link #getAccessToken()} obtains a fresh one. Does nothing if a newer token is already cached.
     */
    void invalidateAccessToken(String rejectedToken);

    /**
     * When {@code accessToken}, a token {@link #getAccessToken()} returned, expires, if the provider
     * knows. The mail service keeps connections authenticated with that token open only until
     * shortly before then. Never contacts the token endpoint.
     *
     * @return the expiry; empty when it is unknown (the default), or {@code accessToken} is not the current token
     * @since 1.2
     */
    default Optional<Instant> getAccessTokenExpiry(String accessToken) {
        return Optional.empty();
    }
}
