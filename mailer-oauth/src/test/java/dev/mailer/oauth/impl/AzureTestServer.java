package dev.mailer.oauth.impl;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;


import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import okhttp3.Headers;
import okhttp3.HttpUrl;

/**
 * Azure's token services on loopback, for the managed identity, workload identity and static
 * grants: the instance metadata service ({@link #IMDS_PATH}, under {@link #imdsEndpoint()}), App
 * Service's identity endpoint ({@link #APP_SERVICE_PATH}, which wants {@link #IDENTITY_HEADER}) and
 * a tenant's Entra ID token endpoint ({@link #ENTRA_PATH}, {@link #tokenUrl()}). Every request is
 * recorded as it came (method, path, query, headers, form). Unless a test queued answers
 * ({@link #then}), each answers with a JWT that the real OAuth2 server under it (mock-oauth2-server,
 * issuer {@link #issuer()}) signs, so that the test SMTP server's XOAUTH2 can introspect it there;
 * its subject is the identity's client ID, or {@link #SYSTEM_ASSIGNED}. The identity endpoints say
 * when it expires as Azure does: {@code expires_on} in epoch seconds of the test's clock and
 * {@code expires_in}, both strings.
 */
final class AzureTestServer extends MockServerExtension {

    static final String IMDS_PATH = "/metadata/identity/oauth2/token";
    static final String APP_SERVICE_PATH = "/msi/token";
    static final String TENANT = "tenant-id";
    static final String ENTRA_PATH = "/" + TENANT + "/oauth2/v2.0/token";
    static final String IDENTITY_HEADER = "identity-header-s3cret";
    /** The subject of the tokens of a system-assigned identity (no client_id in the request). */
    static final String SYSTEM_ASSIGNED = "system-assigned-principal";
    private static final String ISSUER = "azure";

    private final Clock clock;
    private final Map<String, Deque<OAuth2HttpResponse>> scripts = new HashMap<>();
    private final List<Request> received = new ArrayList<>();
    private volatile long lifetimeSeconds = 3600;

    AzureTestServer(Clock clock) {
        super(new OAuth2Config());
        this.clock = clock;
        for (String path : List.of(IMDS_PATH, APP_SERVICE_PATH, ENTRA_PATH)) {
            scripts.put(path, new ArrayDeque<>());
        }
    }

    @Override
    Route[] routes() {
        return new Route[] {new Azure()};
    }

    /** What {@code imdsEndpoint} or AZURE_IMDS_ENDPOINT would be. */
    String imdsEndpoint() {
        return url("");
    }

    /** What IDENTITY_ENDPOINT would be on App Service. */
    String identityEndpoint() {
        return imdsEndpoint() + APP_SERVICE_PATH;
    }

    /** The tenant's token endpoint. */
    String tokenUrl() {
        return imdsEndpoint() + ENTRA_PATH;
    }

    /** The issuer of the tokens, where the SMTP server introspects them. */
    String issuer() {
        return server.issuerUrl(ISSUER).toString();
    }

    /** A JWT of the real server, valid for {@code seconds} (negative: expired that long ago). */
    String jwt(String subject, long seconds) {
        return server.issueToken(ISSUER, subject, "https://communication.azure.com/", Map.of(), seconds).serialize();
    }

    /** The tokens issued from now on are valid for {@code seconds}. */
    void tokensExpireIn(long seconds) {
        lifetimeSeconds = seconds;
    }

    /** The next request to {@code path} gets {@code status} with {@code body} (JSON, or else text/plain). */
    AzureTestServer then(String path, int status, String body) {
        synchronized (scripts) {
            scripts.get(path).add(new OAuth2HttpResponse(Headers.of("Content-Type", body.startsWith("{")
                    ? "application/json; charset=utf-8" : "text/plain"), status, body, null));
        }
        return this;
    }

    /** The requests to {@code path}, oldest first. */
    List<Request> requests(String path) {
        synchronized (scripts) {
            return received.stream().filter(r -> r.path.equals(path)).toList();
        }
    }

    /** Every request so far. */
    List<Request> requests() {
        synchronized (scripts) {
            return List.copyOf(received);
        }
    }

    private OAuth2HttpResponse answer(OAuth2HttpRequest request) {
        HttpUrl url = request.getUrl();
        Map<String, String> query = new HashMap<>();
        for (String name : url.queryParameterNames()) {
            query.put(name, url.queryParameter(name));
        }
        Map<String, String> headers = new HashMap<>();
        for (String name : request.getHeaders().names()) {
            headers.put(name.toLowerCase(Locale.ROOT), request.getHeaders().get(name));
        }
        Map<String, String> form = OAuthTestServer.form(request.getBody());
        String path = url.encodedPath();
        synchronized (scripts) {
            received.add(new Request(request.getMethod(), path, query, headers, form));
            OAuth2HttpResponse scripted = scripts.get(path).poll();
            if (scripted != null) {
                return scripted;
            }
        }
        String clientId = path.equals(ENTRA_PATH) ? form.get("client_id") : query.get("client_id");
        String token = jwt(clientId != null ? clientId : SYSTEM_ASSIGNED, lifetimeSeconds);
        long expiresOn = clock.instant().getEpochSecond() + lifetimeSeconds;
        String body = path.equals(ENTRA_PATH)
                ? "{\"token_type\":\"Bearer\",\"expires_in\":" + lifetimeSeconds + ",\"access_token\":\"" + token + "\"}"
                : "{\"access_token\":\"" + token + "\",\"expires_in\":\"" + lifetimeSeconds + "\",\"expires_on\":\"" + expiresOn
                        + "\",\"resource\":\"" + query.get("resource") + "\",\"token_type\":\"Bearer\"}";
        return new OAuth2HttpResponse(Headers.of("Content-Type", "application/json; charset=utf-8"), 200, body, null);
    }

    /** One request as it came; {@code headers} by lower-case name. */
    static final class Request {
        final String method;
        final String path;
        final Map<String, String> query;
        final Map<String, String> headers;
        final Map<String, String> form;

        Request(String method, String path, Map<String, String> query, Map<String, String> headers, Map<String, String> form) {
            this.method = method;
            this.path = path;
            this.query = query;
            this.headers = headers;
            this.form = form;
        }

        @Override
        public String toString() {
            return method + " " + path + " " + query.keySet() + " " + headers.keySet() + " " + form.keySet();
        }
    }

    /** The Azure paths, tried before the real server's routes. */
    private final class Azure implements Route {
        @Override
        public boolean match(OAuth2HttpRequest request) {
            return scripts != null && scripts.containsKey(request.getUrl().encodedPath());
        }

        @Override
        public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
            return answer(request);
        }
    }
}
