package dev.mailer.oauth.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.oltu.oauth2.client.HttpClient;
import org.apache.oltu.oauth2.client.OAuthClient;
import org.apache.oltu.oauth2.client.request.OAuthClientRequest;
import org.apache.oltu.oauth2.client.response.OAuthClientResponse;
import org.apache.oltu.oauth2.client.response.OAuthClientResponseFactory;
import org.apache.oltu.oauth2.client.response.OAuthJSONAccessTokenResponse;
import org.apache.oltu.oauth2.client.validator.OAuthClientValidator;
import org.apache.oltu.oauth2.common.OAuth;
import org.apache.oltu.oauth2.common.exception.OAuthProblemException;
import org.apache.oltu.oauth2.common.exception.OAuthSystemException;
import org.apache.oltu.oauth2.common.message.types.GrantType;
import org.apache.oltu.oauth2.common.utils.JSONUtils;

/**
 * The one place that talks to the token endpoint (and the device authorization endpoint), through
 * Apache Oltu (as AEM's mailer does). Oltu builds the requests and parses the responses; the HTTP
 * exchange is ours, with timeouts, an optional proxy and the JVM's TLS checks, because Oltu's own
 * client has none of these. Thread-safe: nothing is shared between requests.
 */
final class TokenEndpoint {

    /** RFC 8628's grant, which Oltu's {@link GrantType} does not know. */
    private static final String DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

    /** Error responses are small; a larger body is not a token endpoint's answer. */
    private static final int MAX_RESPONSE_BYTES = 1 << 20;
    /** RFC 8628 3.2: the polling interval when the provider gives none. */
    private static final long DEFAULT_DEVICE_POLL_INTERVAL_SECONDS = 5;
    /** expires_in is required, but a provider that leaves it out should not make the code live forever. */
    private static final long DEFAULT_DEVICE_CODE_LIFETIME_SECONDS = 900;

    private final OAuthSettings settings;
    private final OAuthClient client;

    TokenEndpoint(OAuthSettings settings) {
        this.settings = settings;
        this.client = new OAuthClient(new TimedHttpClient(settings));
    }

    /** Exchanges a refresh token (delegated access: the mailbox's own consent). */
    TokenResponse refresh(String refreshToken) throws TokenEndpointException {
        return token(settings.refreshUrl, GrantType.REFRESH_TOKEN.toString(), b -> withScopes(b).setRefreshToken(refreshToken));
    }

    /** Asks for an app-only token with the client's own credentials. */
    TokenResponse clientCredentials() throws TokenEndpointException {
        return token(settings.tokenUrl, GrantType.CLIENT_CREDENTIALS.toString(), this::withScopes);
    }

    /** Exchanges an authorization code (bootstrap of a refresh token), with its PKCE verifier when there is one. */
    TokenResponse authorizationCode(String code, String redirectUri, String codeVerifier) throws TokenEndpointException {
        return token(settings.tokenUrl, GrantType.AUTHORIZATION_CODE.toString(), b -> {
            withScopes(b).setCode(code).setRedirectURI(redirectUri);
            return codeVerifier == null ? b : b.setParameter("code_verifier", codeVerifier);
        });
    }

    /**
     * Polls for the tokens of a device authorization (RFC 8628 3.4). While the user has not
     * finished, this throws with {@code error} {@code authorization_pending} or {@code slow_down}.
     */
    TokenResponse deviceCode(String deviceCode) throws TokenEndpointException {
        // the scopes were given with the device authorization request; RFC 8628 3.4 sends none here
        return token(settings.tokenUrl, DEVICE_CODE_GRANT, b -> b.setParameter("device_code", deviceCode));
    }

    /** Starts a device authorization (RFC 8628 3.1) at {@code deviceAuthUrl}, which must be set. */
    DeviceCodeResponse deviceAuthorization() throws TokenEndpointException {
        URI endpoint = settings.deviceAuthUrl;
        DeviceAuthorizationJsonResponse response = post("device authorization endpoint", endpoint, OAuthSettings.DEVICE_AUTH_URL,
                "the device authorization request", withScopes(form(endpoint)),
                request -> client.resource(request, OAuth.HttpMethod.POST, DeviceAuthorizationJsonResponse.class));
        String verificationUri = response.getParam("verification_uri");
        if (verificationUri == null) {
            verificationUri = response.getParam("verification_url"); // Google's name for it
        }
        if (verificationUri == null) {
            throw new TokenEndpointException(OAuthSettings.DEVICE_AUTH_URL, "invalid_response", "no verification_uri in the response",
                    response.getResponseCode(), "The device authorization endpoint " + endpoint
                            + " answered without a verification_uri, so there is nowhere to send the user.", null);
        }
        return new DeviceCodeResponse(response.getParam("device_code"), response.getParam("user_code"), verificationUri,
                response.getParam("verification_uri_complete"), response.getParam("message"),
                positive(response.getParam("expires_in"), DEFAULT_DEVICE_CODE_LIFETIME_SECONDS),
                positive(response.getParam("interval"), DEFAULT_DEVICE_POLL_INTERVAL_SECONDS));
    }

    private TokenResponse token(URI endpoint, String grant, Customizer customizer) throws TokenEndpointException {
        // a refresh goes to refreshUrl when one is set: a failure there must name that setting, not tokenUrl
        String endpointSetting = endpoint.equals(settings.tokenUrl) ? OAuthSettings.TOKEN_URL : OAuthSettings.REFRESH_URL;
        OAuthJSONAccessTokenResponse response = post("token endpoint", endpoint, endpointSetting, "the " + grant + " request",
                customizer.apply(form(endpoint).setParameter(OAuth.OAUTH_GRANT_TYPE, grant)),
                request -> client.accessToken(request, OAuth.HttpMethod.POST, OAuthJSONAccessTokenResponse.class));
        if (response.getAccessToken() == null || response.getAccessToken().isBlank()) {
            throw new TokenEndpointException(endpointSetting, "invalid_response", "no access_token in the response", 200,
                    "The token endpoint " + endpoint + " answered without an access_token.", null);
        }
        return new TokenResponse(response.getAccessToken(), response.getExpiresIn(), response.getRefreshToken(),
                response.getScope());
    }

    /** A form with the client's identity, which every request to these endpoints carries. */
    private OAuthClientRequest.TokenRequestBuilder form(URI endpoint) {
        OAuthClientRequest.TokenRequestBuilder builder = OAuthClientRequest.tokenLocation(endpoint.toString())
                .setClientId(settings.clientId);
        // a public client (device-code sign-in) has none, and Entra ID refuses one it did not expect (AADSTS700025)
        return settings.clientSecret == null ? builder : builder.setClientSecret(settings.clientSecret);
    }

    private OAuthClientRequest.TokenRequestBuilder withScopes(OAuthClientRequest.TokenRequestBuilder builder) {
        // Microsoft's v2 endpoint wants the scopes on refresh too
        return settings.scopeParameter() == null ? builder : builder.setScope(settings.scopeParameter());
    }

    /** Sends {@code form} and turns Oltu's failures into a {@link TokenEndpointException} naming {@code endpointSetting}. */
    private static <T> T post(String endpointName, URI endpoint, String endpointSetting, String requestName,
            OAuthClientRequest.TokenRequestBuilder form, Exchange<T> exchange) throws TokenEndpointException {
        try {
            return exchange.send(form.buildBodyMessage());
        } catch (OAuthProblemException e) {
            throw new TokenEndpointException(endpointSetting, e.getError(), e.getDescription(), e.getResponseStatus(),
                    "The " + endpointName + " " + endpoint + " refused " + requestName + ": " + e.getError()
                            + (e.getDescription() == null ? "" : " (" + e.getDescription() + ")"), null);
        } catch (OAuthSystemException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new TokenEndpointException(endpointSetting, null, null, 0, "The " + endpointName + " " + endpoint
                    + " cannot be reached: " + cause.getClass().getSimpleName() + ": " + cause.getMessage(),
                    cause instanceof IOException ? cause : null);
        }
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

    @FunctionalInterface
    private interface Exchange<T> {
        T send(OAuthClientRequest request) throws OAuthSystemException, OAuthProblemException;
    }

    /**
     * A device authorization response as Oltu parses it: JSON, with an {@code error} turned into an
     * {@link OAuthProblemException} as for token responses. Public with a public constructor only
     * because Oltu instantiates it reflectively; the package is private to the bundle.
     */
    public static final class DeviceAuthorizationJsonResponse extends OAuthClientResponse {

        public DeviceAuthorizationJsonResponse() {
            validator = new OAuthClientValidator() {
                {
                    requiredParams.put("device_code", new String[0]);
                    requiredParams.put("user_code", new String[0]);
                }
            };
        }

        @Override
        protected void setBody(String body) throws OAuthProblemException {
            this.body = body;
            try {
                this.parameters = JSONUtils.parseJSON(body);
            } catch (RuntimeException e) {
                throw OAuthProblemException.error("invalid_response", "the response body is not a JSON object");
            }
        }

        @Override
        protected void setContentType(String contentType) {
            this.contentType = contentType;
        }

        @Override
        protected void setResponseCode(int responseCode) {
            this.responseCode = responseCode;
        }
    }

    /** Oltu's HTTP seam, with timeouts and a proxy. Error statuses are parsed like successes, so Oltu sees the OAuth error. */
    private static final class TimedHttpClient implements HttpClient {
        private final OAuthSettings settings;

        TimedHttpClient(OAuthSettings settings) {
            this.settings = settings;
        }

        @Override
        public <T extends OAuthClientResponse> T execute(OAuthClientRequest request, Map<String, String> headers,
                String requestMethod, Class<T> responseClass) throws OAuthSystemException, OAuthProblemException {
            HttpURLConnection connection = null;
            try {
                Proxy proxy = settings.proxy == null ? Proxy.NO_PROXY : new Proxy(Proxy.Type.HTTP, settings.proxy);
                connection = (HttpURLConnection) URI.create(request.getLocationUri()).toURL().openConnection(proxy);
                connection.setConnectTimeout(settings.connectTimeoutMs);
                connection.setReadTimeout(settings.readTimeoutMs);
                connection.setInstanceFollowRedirects(false);
                connection.setRequestMethod(requestMethod);
                connection.setRequestProperty("Accept", "application/json");
                if (headers != null) {
                    headers.forEach(connection::setRequestProperty);
                }
                byte[] body = request.getBody() == null ? new byte[0] : request.getBody().getBytes(StandardCharsets.UTF_8);
                connection.setRequestProperty("Content-Type", OAuth.ContentType.URL_ENCODED);
                connection.setDoOutput(true);
                // no streaming mode: with it HttpURLConnection drops the body of a 401, which is where
                // invalid_client comes with its error_description
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(body);
                }
                int status = connection.getResponseCode();
                String responseBody = read(status >= 400 ? connection.getErrorStream() : connection.getInputStream());
                Map<String, List<String>> responseHeaders = connection.getHeaderFields();
                String contentType = connection.getContentType();
                if (responseBody.isBlank() || contentType == null || !contentType.toLowerCase().contains("json")) {
                    throw OAuthProblemException.error(status >= 500 ? "server_error" : "invalid_response")
                            .description("HTTP " + status + " with " + (contentType == null ? "no content type" : contentType)
                                    + " instead of a JSON token response")
                            .responseStatus(status);
                }
                return OAuthClientResponseFactory.createCustomResponse(responseBody, contentType, status, responseHeaders,
                        responseClass);
            } catch (IOException e) {
                throw new OAuthSystemException(e);
            } finally {
                if (connection != null) {
                    connection.disconnect();
                }
            }
        }

        private static String read(InputStream in) throws IOException {
            if (in == null) {
                return "";
            }
            try (InputStream stream = in) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                byte[] buffer = new byte[8192];
                int n;
                while ((n = stream.read(buffer)) > 0) {
                    if (bytes.size() + n > MAX_RESPONSE_BYTES) {
                        throw new IOException("the response is larger than " + MAX_RESPONSE_BYTES + " bytes");
                    }
                    bytes.write(buffer, 0, n);
                }
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }

        @Override
        public void shutdown() {
            // one connection per request: nothing to release
        }
    }
}
