package dev.mailer.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Supplies OAuth2 access tokens for SMTP XOAUTH2 authentication. The mail service asks for the
 * current token on every connection, so an implementation caches and renews tokens itself.
 * Implementations must be thread-safe.
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
}
