package dev.mailer.oauth.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.oltu.oauth2.client.HttpClient;
import org.apache.oltu.oauth2.client.request.OAuthClientRequest;
import org.apache.oltu.oauth2.client.response.OAuthClientResponse;
import org.apache.oltu.oauth2.client.response.OAuthClientResponseFactory;
import org.apache.oltu.oauth2.common.OAuth;
import org.apache.oltu.oauth2.common.exception.OAuthProblemException;
import org.apache.oltu.oauth2.common.exception.OAuthSystemException;

/**
 * Oltu's HTTP seam, with the timeouts and the proxy of the settings and the JVM's TLS checks. Without
 * httpProxy the JVM's {@link ProxySelector} decides (https.proxyHost, https.proxyPort,
 * http.nonProxyHosts), as AEM as a Cloud Service configures its egress proxy.
 * Error statuses are parsed like successes, so Oltu sees the OAuth error; an answer that is not
 * JSON becomes an error named by its HTTP status. Thread-safe: one connection per request.
 */
final class TimedHttpClient implements HttpClient {

    /** Error responses are small; a larger body is not a token endpoint's answer. */
    static final int MAX_RESPONSE_BYTES = 1 << 20;

    private final OAuthSettings settings;
    /** Null: {@link ProxySelector#getDefault()} as it is at each request. */
    private final ProxySelector proxies;

    TimedHttpClient(OAuthSettings settings) {
        this(settings, null);
    }

    /** @param proxies decides the proxy when httpProxy is not set; null: the JVM's default selector */
    TimedHttpClient(OAuthSettings settings, ProxySelector proxies) {
        this.settings = settings;
        this.proxies = proxies;
    }

    /** httpProxy when set, else the first proxy the selector gives for {@code uri} (none: direct). */
    Proxy proxyFor(URI uri) {
        if (settings.proxy != null) {
            return new Proxy(Proxy.Type.HTTP, settings.proxy);
        }
        ProxySelector selector = proxies != null ? proxies : ProxySelector.getDefault();
        List<Proxy> chosen = selector == null ? null : selector.select(uri);
        return chosen == null || chosen.isEmpty() ? Proxy.NO_PROXY : chosen.get(0);
    }

    @Override
    public <T extends OAuthClientResponse> T execute(OAuthClientRequest request, Map<String, String> headers,
            String requestMethod, Class<T> responseClass) throws OAuthSystemException, OAuthProblemException {
        HttpURLConnection connection = null;
        try {
            URI uri = URI.create(request.getLocationUri());
            connection = open(uri, proxyFor(uri), requestMethod);
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
            String responseBody = jsonBody(connection, status);
            try {
                return OAuthClientResponseFactory.createCustomResponse(responseBody, connection.getContentType(), status,
                        connection.getHeaderFields(), responseClass);
            } catch (OAuthProblemException e) {
                // an OAuth error: keep its HTTP status, which says whether trying again may help
                throw e.getResponseStatus() == 0 ? e.responseStatus(status) : e;
            }
        } catch (IOException e) {
            throw new OAuthSystemException(e);
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    /**
     * A GET of a JSON answer without proxy (Azure's identity endpoints are on the host itself, or
     * link-local), with {@code headers}. The answer is returned whatever its status, unchecked: the
     * caller reads the error of an error status, since not every identity endpoint answers as OAuth does.
     *
     * @throws OAuthProblemException the answer is not JSON (its HTTP status is kept)
     * @throws OAuthSystemException no answer
     */
    JsonResponse get(URI uri, Map<String, String> headers) throws OAuthSystemException, OAuthProblemException {
        HttpURLConnection connection = null;
        try {
            connection = open(uri, Proxy.NO_PROXY, "GET");
            headers.forEach(connection::setRequestProperty);
            int status = connection.getResponseCode();
            return JsonResponse.unvalidated(jsonBody(connection, status), connection.getContentType(), status);
        } catch (IOException e) {
            throw new OAuthSystemException(e);
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    private HttpURLConnection open(URI uri, Proxy proxy, String method) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection(proxy);
        connection.setConnectTimeout(settings.connectTimeoutMs);
        connection.setReadTimeout(settings.readTimeoutMs);
        connection.setInstanceFollowRedirects(false);
        connection.setRequestMethod(method);
        connection.setRequestProperty("Accept", "application/json");
        return connection;
    }

    /** The body of the answer, which must be JSON: otherwise an error named by the HTTP status. */
    private static String jsonBody(HttpURLConnection connection, int status) throws IOException, OAuthProblemException {
        String body = read(status >= 400 ? connection.getErrorStream() : connection.getInputStream());
        String contentType = connection.getContentType();
        if (body.isBlank() || contentType == null || !contentType.toLowerCase().contains("json")) {
            throw OAuthProblemException.error(status >= 500 ? "server_error" : JsonResponse.INVALID_RESPONSE)
                    .description(OAuthFailures.notJson(status, contentType))
                    .responseStatus(status);
        }
        return body;
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
                    throw new IOException(OAuthFailures.tooLarge(MAX_RESPONSE_BYTES));
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
