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
import java.util.function.Consumer;

import org.apache.oltu.oauth2.client.HttpClient;
import org.apache.oltu.oauth2.client.OAuthClient;
import org.apache.oltu.oauth2.client.request.OAuthClientRequest;
import org.apache.oltu.oauth2.client.response.OAuthClientResponse;
import org.apache.oltu.oauth2.client.response.OAuthClientResponseFactory;
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

    /** Our error code for an answer that is not a usable response (not JSON, a field missing or of the wrong type). */
    static final String INVALID_RESPONSE = "invalid_response";

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
        DeviceAuthorizationJsonResponse response = post("device authorization endpoint", endpoint, OAuthSettings.DEVICE_AUTH_URL,
                "the device authorization request", withScopes(form(endpoint)),
                request -> client.resource(request, OAuth.HttpMethod.POST, DeviceAuthorizationJsonResponse.class));
        String verificationUri = response.getParam("verification_uri");
        if (verificationUri == null) {
            verificationUri = response.getParam("verification_url"); // Google's name for it
        }
        if (verificationUri == null) {
            throw new TokenEndpointException(OAuthSettings.DEVICE_AUTH_URL, INVALID_RESPONSE, "no verification_uri",
                    response.getResponseCode(), OAuthFailures.invalidResponse("device authorization endpoint", endpoint,
                            "no verification_uri, so there is nowhere to send the user"), null);
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
                customizer.apply(form(endpoint).setParameter(OAuth.OAUTH_GRANT_TYPE, grant)),
                request -> client.resource(request, OAuth.HttpMethod.POST, JsonResponse.class));
        try {
            String refreshToken = response.string(OAuth.OAUTH_REFRESH_TOKEN);
            if (refreshToken != null) {
                refreshTokenFirst.accept(refreshToken);
            }
            String accessToken = response.string(OAuth.OAUTH_ACCESS_TOKEN);
            if (accessToken == null) {
                throw new IllegalArgumentException("no access_token");
            }
            return new TokenResponse(accessToken, TokenResponse.lifetime(response.value(OAuth.OAUTH_EXPIRES_IN)), refreshToken,
                    response.scope());
        } catch (IllegalArgumentException e) {
            throw new TokenEndpointException(endpointSetting, INVALID_RESPONSE, e.getMessage(), response.getResponseCode(),
                    OAuthFailures.invalidResponse("token endpoint", endpoint, e.getMessage()), null);
        }
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
                    INVALID_RESPONSE.equals(e.getError()) ? OAuthFailures.invalidResponse(endpointName, endpoint, e.getDescription())
                            : "The " + endpointName + " " + endpoint + " refused " + requestName + ": " + e.getError()
                                    + (e.getDescription() == null ? "" : " (" + e.getDescription() + ")"), null);
        } catch (OAuthSystemException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new TokenEndpointException(endpointSetting, null, null, 0, "The " + endpointName + " " + endpoint
                    + " cannot be reached: " + cause.getClass().getSimpleName() + ": " + cause.getMessage(),
                    cause instanceof IOException ? cause : null);
        } catch (RuntimeException e) {
            // Oltu choking on an answer it could not make sense of; its message may quote the body, so it is left out
            throw new TokenEndpointException(endpointSetting, INVALID_RESPONSE, "unreadable response", 0,
                    OAuthFailures.invalidResponse(endpointName, endpoint, "the answer could not be read ("
                            + e.getClass().getSimpleName() + ")"), null);
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
     * A JSON object response as Oltu parses it, with an {@code error} turned into an
     * {@link OAuthProblemException}; the fields are read with their JSON types, so that a token
     * response is checked by us rather than by Oltu (which fails on {@code "expires_in": 3599.0}).
     * Public with a public constructor only because Oltu instantiates it reflectively; the package
     * is private to the bundle.
     */
    public static class JsonResponse extends OAuthClientResponse {

        public JsonResponse() {
            validator = new OAuthClientValidator() {
            };
        }

        /** The value of {@code name} as parsed (String, Number, Boolean, array, object), or null when absent or JSON null. */
        Object value(String name) {
            Object value = parameters.get(name);
            // org.json's JSONObject.NULL is the one object that equals null
            return value == null || value.equals(null) ? null : value;
        }

        /** The value of {@code name}, which must be a string when present; null when absent or blank. */
        String string(String name) {
            Object value = value(name);
            if (value != null && !(value instanceof String)) {
                throw new IllegalArgumentException(name + " is not a string");
            }
            return value == null || ((String) value).isBlank() ? null : (String) value;
        }

        /** The granted scopes, space-separated (some servers send an array); null when absent or of another type: they are only reported. */
        String scope() {
            Object value = value(OAuth.OAUTH_SCOPE);
            if (value instanceof Object[]) {
                StringBuilder scopes = new StringBuilder();
                for (Object scope : (Object[]) value) {
                    scopes.append(scopes.length() == 0 ? "" : " ").append(scope);
                }
                return scopes.toString();
            }
            return value instanceof String ? (String) value : null;
        }

        @Override
        protected void setBody(String body) throws OAuthProblemException {
            this.body = body;
            try {
                this.parameters = JSONUtils.parseJSON(body);
            } catch (RuntimeException e) {
                throw OAuthProblemException.error(INVALID_RESPONSE, "the response body is not a JSON object");
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

    /** A device authorization response: a {@link JsonResponse} that must have a device code and a user code. */
    public static final class DeviceAuthorizationJsonResponse extends JsonResponse {

        public DeviceAuthorizationJsonResponse() {
            validator = new OAuthClientValidator() {
                {
                    requiredParams.put("device_code", new String[0]);
                    requiredParams.put("user_code", new String[0]);
                }
            };
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
                    throw OAuthProblemException.error(status >= 500 ? "server_error" : INVALID_RESPONSE)
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
