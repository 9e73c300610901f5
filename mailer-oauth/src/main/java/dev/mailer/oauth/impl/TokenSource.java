package dev.mailer.oauth.impl;

import java.time.Clock;
import java.time.Instant;

import dev.mailer.api.MailException;

/**
 * Where {@link AccessTokens} gets a new access token from, for a grant other than
 * {@code refresh_token} (which {@link RefreshTokens} serves): the token endpoint with the client's
 * credentials ({@code client_credentials}) or a federated token ({@code workload_identity}), Azure's
 * identity endpoints ({@code managed_identity}), or a token obtained elsewhere ({@code static}).
 * Called under the renewal lock, one request at a time.
 */
interface TokenSource {

    /** One token request (or read). */
    TokenResponse obtain() throws TokenEndpointException, MailException;

    /** True when the token obtained last is known to be replaced at its source (a file that changed): it is obtained again. */
    default boolean replaced() {
        return false;
    }

    /** What an operator should know at {@code now} although the current token works (it expires soon and cannot be renewed), or null. */
    default String warning(Instant now) {
        return null;
    }

    /** Where the tokens come from when that is not the token endpoint (the status's token URL), or null. */
    default String location() {
        return null;
    }

    /** The source of the grant of {@code settings}; null for {@code refresh_token}. */
    static TokenSource of(OAuthSettings settings, TokenEndpoint endpoint, Clock clock, DeviceCodeFlow.Sleeper sleeper) {
        switch (settings.grantType) {
            case OAuthSettings.GRANT_CLIENT_CREDENTIALS:
                return endpoint::clientCredentials;
            case OAuthSettings.GRANT_WORKLOAD_IDENTITY:
                return new WorkloadIdentity(settings, endpoint);
            case OAuthSettings.GRANT_MANAGED_IDENTITY:
                return new ManagedIdentityTokens(settings, new TimedHttpClient(settings), clock, sleeper);
            case OAuthSettings.GRANT_STATIC:
                return new StaticTokenSource(settings, clock);
            default:
                return null;
        }
    }
}
