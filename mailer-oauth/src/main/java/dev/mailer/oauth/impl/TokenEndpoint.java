package dev.mailer.oauth.impl;

import java.io.IOException;
import java.net.ProxySelector;
import java.net.URI;
import java.util.function.Consumer;

import org.apache.oltu.oauth2.client.OAuthClient;
import org.apache.oltu.oauth2.client.request.OAuthClientRequest;
import org.apache.oltu.oauth2.common.OAuth;
import org.apache.oltu.oauth2.common.exception.OAuthProblemException;
import org.apache.oltu.oauth2.common.exception.OAuthSystemException;
import org.apache.oltu.oauth2.common.message.types.GrantType;

/**
 * The one place that talks to the token endpoint (and the device authorization endpoint), through
 * Apache Oltu (as AEM's mailer does). Oltu builds the requests and parses the responses into a
 * {@link JsonResponse}, whose fields we check; the HTTP exchange is ours ({@link TimedHttpClient}),
 * because Oltu's own client has no timeouts nor proxy. Thread-safe: nothing is shared between requests.
 */
final class TokenEndpoint {

    /** RFC 7523's client authentication with a JWT, as Entra ID takes federated tokens (workload identity). */
    static final String JWT_BEARER_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /** RFC 8628's grant, which Oltu's {@link GrantType} does not know. */
    private static final String DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

    /** RFC 8628 3.2: the polling interval when the provider gives none. */
    private static final long DEFAULT_DEVICE_POLL_INTERVAL_SECONDS = 5;
    /** expires_in is required, but a provider that leaves it out should not make the code live forever. */
    private static final long DEFAULT_DEVICE_CODE_LIFETIME_SECONDS = 900;

    private final OAuthSettings settings;
    private final OAuthClient client;

    TokenEndpoint(OAuthSettings settings) {
        this(settings, null);
    }

    /** @param proxies the proxies when httpProxy is not set; null: the JVM's ({@link ProxySelector#getDefault()}) */
    TokenEndpoint(OAuthSettings settings, ProxySelector proxies) {
        this.settings = settings;
        this.client = new OAuthClient(new TimedHttpClient(settings, proxies));
    }

    /**
     * Exchanges a refresh token (delegated access: the mailbox's own consent). A successor the
     * server issued goes to {@code rotated} as soon as it is read, before the rest of the response
     * is checked: the server has consumed {@code refreshToken} by then, so the successor must be
     * kept even when the answer turns out unusable.
     */
    TokenResponse refresh(String refreshToken, Consumer<String> rotated) throws TokenEndpointException {
        return token(settings.refreshUrl, GrantType.REFRESH_TOKEN.toString(), b -> withScopes(b).setRefreshToken(refreshToken),
                successor -> {
                    if (!successor.equals(refreshToken)) {
                        rotated.accept(successor);
                    }
                });
    }

    /** Asks for an app-only token with the client's own credentials. */
    TokenResponse clientCredentials() throws TokenEndpointException {
        return token(settings.tokenUrl, GrantType.CLIENT_CREDENTIALS.toString(), this::withScopes, successor -> { });
    }

    /**
     * Asks for an app-only token with a client assertion instead of a secret: the federated token of
     * a workload identity ({@link #JWT_BEARER_ASSERTION}).
     */
    TokenResponse clientAssertion(String assertion) throws TokenEndpointException {
        return token(settings.tokenUrl, GrantType.CLIENT_CREDENTIALS.toString(), b -> withScopes(b)
                .setParameter("client_assertion_type", JWT_BEARER_ASSERTION)
                .setParameter("client_assertion", assertion), successor -> { });
    }

    /** Exchanges an authorization code (bootstrap of a refresh token), with its PKCE verifier when there is one. */
    TokenResponse authorizationCode(String code, String redirectUri, String codeVerifier) throws TokenEndpointException {
        return token(settings.tokenUrl, GrantType.AUTHORIZATION_CODE.toString(), b -> {
            withScopes(b).setCode(code).setRedirectURI(redirectUri);
            return codeVerifier == null ? b : b.setParameter("code_verifier", codeVerifier);
        }, refreshToken -> { });
    }

    /**
     * Polls for the tokens of a device authorization (RFC 8628 3.4). While the user has not
     * finished, this throws with {@code error} {@code authorization_pending} or {@code slow_down}.
     */
    TokenResponse deviceCode(String deviceCode) throws TokenEndpointException {
        // the scopes were given with the device authorization request; RFC 8628 3.4 sends none here
        return token(settings.tokenUrl, DEVICE_CODE_GRANT, b -> b.setParameter("device_code", deviceCode), refreshToken -> { });
    }

    /** Starts a device authorization (RFC 8628 3.1) at {@code deviceAuthUrl}, which must be set. */
    DeviceCodeResponse deviceAuthorization() throws TokenEndpointException {
        URI endpoint = settings.deviceAuthUrl;
        JsonResponse response = post("device authorization endpoint", endpoint, OAuthSettings.DEVICE_AUTH_URL,
                "the device authorization request", withScopes(form(endpoint)), JsonResponse.DeviceAuthorization.class);
        String verificationUri = response.getParam("verification_uri");
        if (verificationUri == null) {
            verificationUri = response.getParam("verification_url"); // Google's name for it
        }
        if (verificationUri == null) {
            throw unusable("device authorization endpoint", endpoint, OAuthSettings.DEVICE_AUTH_URL, OAuthFailures.noVerificationUri(),
                    response.getResponseCode());
        }
        return new DeviceCodeResponse(response.getParam("device_code"), response.getParam("user_code"), verificationUri,
                response.getParam("verification_uri_complete"), response.getParam("message"),
                positive(response.getParam("expires_in"), DEFAULT_DEVICE_CODE_LIFETIME_SECONDS),
                positive(response.getParam("interval"), DEFAULT_DEVICE_POLL_INTERVAL_SECONDS));
    }

    private TokenResponse token(URI endpoint, String grant, Customizer customizer, Consumer<String> refreshTokenFirst)
            throws TokenEndpointException {
        // a refresh goes to refreshUrl when one is set: a failure there must name that setting, not tokenUrl
        String endpointSetting = endpoint.equals(settings.tokenUrl) ? OAuthSettings.TOKEN_URL : OAuthSettings.REFRESH_URL;
        JsonResponse response = post("token endpoint", endpoint, endpointSetting, "the " + grant + " request",
                customizer.apply(form(endpoint).setParameter(OAuth.OAUTH_GRANT_TYPE, grant)), JsonResponse.class);
        try {
            String refreshToken = response.string(OAuth.OAUTH_REFRESH_TOKEN);
            if (refreshToken != null) {
                refreshTokenFirst.accept(refreshToken);
            }
            String accessToken = response.string(OAuth.OAUTH_ACCESS_TOKEN);
            if (accessToken == null) {
                throw new IllegalArgumentException(OAuthFailures.missing(OAuth.OAUTH_ACCESS_TOKEN));
            }
            return new TokenResponse(accessToken, TokenResponse.lifetime(response.value(OAuth.OAUTH_EXPIRES_IN)), refreshToken,
                    response.scope());
        } catch (IllegalArgumentException e) {
            throw unusable("token endpoint", endpoint, endpointSetting, e.getMessage(), response.getResponseCode());
        }
    }

    /** A form with the client's identity, which every request to these endpoints carries. */
    private OAuthClientRequest.TokenRequestBuilder form(URI endpoint) {
        OAuthClientRequest.TokenRequestBuilder builder = OAuthClientRequest.tokenLocation(endpoint.toString())
                .setClientId(settings.clientId);
        // a public client (device-code sign-in) has none, and Entra ID refuses one it did not expect (AADSTS700025);
        // a workload identity authenticates with its federated token instead
        return settings.clientSecret == null || OAuthSettings.GRANT_WORKLOAD_IDENTITY.equals(settings.grantType) ? builder
                : builder.setClientSecret(settings.clientSecret);
    }

    private OAuthClientRequest.TokenRequestBuilder withScopes(OAuthClientRequest.TokenRequestBuilder builder) {
        // Microsoft's v2 endpoint wants the scopes on refresh too
        return settings.scopeParameter() == null ? builder : builder.setScope(settings.scopeParameter());
    }

    /** Sends {@code form} and turns Oltu's failures into a {@link TokenEndpointException} naming {@code endpointSetting}. */
    private <T extends JsonResponse> T post(String endpointName, URI endpoint, String endpointSetting, String requestName,
            OAuthClientRequest.TokenRequestBuilder form, Class<T> answer) throws TokenEndpointException {
        try {
            return client.resource(form.buildBodyMessage(), OAuth.HttpMethod.POST, answer);
        } catch (OAuthProblemException | OAuthSystemException | RuntimeException e) {
            throw failure(e, endpointName, endpoint, endpointSetting, requestName);
        }
    }

    /**
     * What Oltu (or {@link TimedHttpClient}) threw for a request to {@code endpoint}, as a
     * {@link TokenEndpointException} naming {@code endpointSetting}: the endpoint's OAuth error, an
     * unusable answer, or no answer.
     */
    static TokenEndpointException failure(Exception e, String endpointName, URI endpoint, String endpointSetting,
            String requestName) {
        if (e instanceof OAuthProblemException) {
            OAuthProblemException problem = (OAuthProblemException) e;
            return new TokenEndpointException(endpointSetting, problem.getError(), problem.getDescription(),
                    problem.getResponseStatus(), JsonResponse.INVALID_RESPONSE.equals(problem.getError())
                            ? OAuthFailures.invalidResponse(endpointName, endpoint, problem.getDescription())
                            : OAuthFailures.refused(endpointName, endpoint, requestName, problem.getError(), problem.getDescription()),
                    null);
        }
        if (e instanceof OAuthSystemException) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new TokenEndpointException(endpointSetting, null, null, 0, OAuthFailures.unreachable(endpointName, endpoint, cause),
                    cause instanceof IOException ? cause : null);
        }
        // Oltu choking on an answer it could not make sense of; its message may quote the body, so it is left out
        return unusable(endpointName, endpoint, endpointSetting, OAuthFailures.unreadable((RuntimeException) e), 0);
    }

    /** An answer that is no usable response: {@code problem} names what is wrong with it, never a field's value. */
    static TokenEndpointException unusable(String endpointName, URI endpoint, String endpointSetting, String problem,
            int httpStatus) {
        return new TokenEndpointException(endpointSetting, JsonResponse.INVALID_RESPONSE, problem, httpStatus,
                OAuthFailures.invalidResponse(endpointName, endpoint, problem), null);
    }

    private static long positive(String value, long defaultValue) {
        try {
            long parsed = value == null ? defaultValue : Long.parseLong(value.trim());
            return parsed > 0 ? parsed : defaultValue;
        } catch (NumberFormatException e) {
            return defaultValue;
        }
    }

    @FunctionalInterface
    private interface Customizer {
        OAuthClientRequest.TokenRequestBuilder apply(OAuthClientRequest.TokenRequestBuilder builder);
    }
}
