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
import org.apache.oltu.oauth2.common.OAuth;
import org.apache.oltu.oauth2.common.exception.OAuthProblemException;
import org.apache.oltu.oauth2.common.exception.OAuthSystemException;
import org.apache.oltu.oauth2.common.message.types.GrantType;

/**
 * The one place that talks to the token endpoint, through Apache Oltu (as AEM's mailer does).
 * Oltu builds the requests and parses the responses; the HTTP exchange is ours, with timeouts,
 * an optional proxy and the JVM's TLS checks, because Oltu's own client has none of these.
 * Thread-safe: nothing is shared between requests.
 */
final class TokenEndpoint {

    /** Error responses are small; a larger body is not a token endpoint's answer. */
    private static final int MAX_RESPONSE_BYTES = 1 << 20;

    private final OAuthSettings settings;
    private final OAuthClient client;

    TokenEndpoint(OAuthSettings settings) {
        this.settings = settings;
        this.client = new OAuthClient(new TimedHttpClient(settings));
    }

    /** Exchanges a refresh token (delegated access: the mailbox's own consent). */
    TokenResponse refresh(String refreshToken) throws TokenEndpointException {
        return request(settings.refreshUrl, GrantType.REFRESH_TOKEN, b -> b.setRefreshToken(refreshToken));
    }

    /** Asks for an app-only token with the client's own credentials. */
    TokenResponse clientCredentials() throws TokenEndpointException {
        return request(settings.tokenUrl, GrantType.CLIENT_CREDENTIALS, b -> b);
    }

    /** Exchanges an authorization code (bootstrap of a refresh token). */
    TokenResponse authorizationCode(String code, String redirectUri, String codeVerifier) throws TokenEndpointException {
        return request(settings.tokenUrl, GrantType.AUTHORIZATION_CODE, b -> {
            b.setCode(code).setRedirectURI(redirectUri);
            return codeVerifier == null ? b : b.setParameter("code_verifier", codeVerifier);
        });
    }

    private TokenResponse request(URI endpoint, GrantType grant, Customizer customizer) throws TokenEndpointException {
        try {
            OAuthClientRequest.TokenRequestBuilder builder = OAuthClientRequest.tokenLocation(endpoint.toString())
                    .setGrantType(grant)
                    .setClientId(settings.clientId);
            if (settings.clientSecret != null) {
                builder.setClientSecret(settings.clientSecret);
            }
            if (settings.scopeParameter() != null) {
                // Microsoft's v2 endpoint wants the scopes on refresh too
                builder.setScope(settings.scopeParameter());
            }
            OAuthClientRequest request = customizer.apply(builder).buildBodyMessage();
            OAuthJSONAccessTokenResponse response = client.accessToken(request, OAuth.HttpMethod.POST,
                    OAuthJSONAccessTokenResponse.class);
            if (response.getAccessToken() == null || response.getAccessToken().isBlank()) {
                throw new TokenEndpointException("invalid_response", "no access_token in the response", 200,
                        "The token endpoint " + endpoint + " answered without an access_token.", null);
            }
            return new TokenResponse(response.getAccessToken(), response.getExpiresIn(), response.getRefreshToken(),
                    response.getScope());
        } catch (OAuthProblemException e) {
            throw new TokenEndpointException(e.getError(), e.getDescription(), e.getResponseStatus(),
                    "The token endpoint " + endpoint + " refused the " + grant + " request: " + e.getError()
                            + (e.getDescription() == null ? "" : " (" + e.getDescription() + ")"), null);
        } catch (OAuthSystemException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new TokenEndpointException(null, null, 0, "The token endpoint " + endpoint + " cannot be reached: "
                    + cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause instanceof IOException ? cause : null);
        }
    }

    @FunctionalInterface
    private interface Customizer {
        OAuthClientRequest.TokenRequestBuilder apply(OAuthClientRequest.TokenRequestBuilder builder);
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
