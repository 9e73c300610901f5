package dev.mailer.api.oauth;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

import dev.mailer.api.MailException;

/**
 * Operator functions of the OAuth2 token provider, registered next to its
 * {@link dev.mailer.api.OAuthConfigurationProvider}. Nothing here returns a token or a secret:
 * tools that need the access token itself (e.g. {@code token --print}) ask the
 * {@code OAuthConfigurationProvider}. Implementations are thread-safe.
 */
@ProviderType
public interface OAuthTokenManager {

    /** What the provider knows now, without contacting the token endpoint. */
    TokenStatus getStatus();

    /**
     * Starts the authorization-code flow with PKCE (RFC 7636) and a fresh {@code state}.
     *
     * @param redirectUri where the provider sends the browser back; null for the configured
     *        {@code authCodeRedirectUrl}. It must be registered with the provider.
     * @throws MailException when the provider's settings cannot start the flow (names the setting)
     */
    AuthorizationRequest beginAuthorization(String redirectUri) throws MailException;

    /**
     * Finishes an authorization-code flow with the query parameters the provider sent to the
     * redirect URI ({@code state} and {@code code}, or {@code error} and
     * {@code error_description}): checks {@code state}, exchanges the code with the PKCE verifier,
     * stores the refresh token and caches the access token.
     *
     * @throws MailException when the state is unknown or expired, the provider reported an error,
     *         or the token endpoint refused the code; the message says what to do
     */
    TokenStatus completeAuthorization(Map<String, String> callbackParameters) throws MailException;

    /**
     * Starts the device-code flow (RFC 8628): the returned user code is entered by the mailbox
     * owner at the verification URI.
     *
     * @throws MailException when no device authorization endpoint is configured or it refused
     */
    DeviceAuthorization beginDeviceAuthorization() throws MailException;

    /**
     * Polls the token endpoint at the interval the provider asks for until the user approved
     * (then stores the refresh token), denied, or the code expired.
     *
     * @throws MailException when the user denied, the code expired, or the endpoint refused
     * @throws InterruptedException when the waiting thread is interrupted (nothing is stored)
     */
    TokenStatus completeDeviceAuthorization(DeviceAuthorization authorization) throws MailException, InterruptedException;
}
