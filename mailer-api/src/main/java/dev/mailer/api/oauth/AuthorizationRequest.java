package dev.mailer.api.oauth;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * A started authorization-code flow: the URL the mailbox owner opens in a browser. The PKCE
 * verifier stays with the provider; {@code state} identifies this request on the way back.
 */
public final class AuthorizationRequest {

    private final URI authorizationUrl;
    private final String redirectUri;
    private final String state;
    private final Instant expiresAt;

    public AuthorizationRequest(URI authorizationUrl, String redirectUri, String state, Instant expiresAt) {
        this.authorizationUrl = Objects.requireNonNull(authorizationUrl, "authorizationUrl");
        this.redirectUri = Objects.requireNonNull(redirectUri, "redirectUri");
        this.state = Objects.requireNonNull(state, "state");
        this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** The provider's authorization URL with client_id, scope, redirect_uri, state and code_challenge. */
    public URI getAuthorizationUrl() {
        return authorizationUrl;
    }

    /** The redirect URI this request was made for. */
    public String getRedirectUri() {
        return redirectUri;
    }

    /** The {@code state} value the provider sends back to the redirect URI. */
    public String getState() {
        return state;
    }

    /** After this instant the request is forgotten and its code can no longer be exchanged. */
    public Instant getExpiresAt() {
        return expiresAt;
    }

    @Override
    public String toString() {
        return "AuthorizationRequest[" + authorizationUrl + ", expiresAt=" + expiresAt + "]";
    }
}
