package dev.mailer.testsupport.azure;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.mailer.testsupport.net.LoopbackHttp;
import dev.mailer.testsupport.net.LoopbackServer;

/**
 * Azure's token services on loopback, for the managed identity, workload identity and static
 * grants: the instance metadata service ({@link #IMDS_PATH}, under {@link #imdsEndpoint()}), App
 * Service's identity endpoint ({@link #APP_SERVICE_PATH}, {@link #identityEndpoint()}, which wants
 * {@link #IDENTITY_HEADER}) and a tenant's Entra ID token endpoint ({@link #ENTRA_PATH},
 * {@link #tokenUrl()}). Every request is recorded as it came (method, path, query, headers, form)
 * before it is answered. Unless a test queued answers ({@link #then}), each gets a token of the
 * {@link Minter} (the test's real OAuth2 server, so that the test SMTP server's XOAUTH2 can
 * introspect it); its subject is the identity's client ID, or {@link #SYSTEM_ASSIGNED}. The identity
 * endpoints say when it expires as Azure does: {@code expires_on} in epoch seconds of the test's
 * clock and {@code expires_in}, both strings.
 *
 * <p>JDK classes only. Not final: a module's tests may add their test framework's lifecycle.
 */
public class AzureIdentityServer implements Closeable {

    public static final String IMDS_PATH = "/metadata/identity/oauth2/token";
    public static final String APP_SERVICE_PATH = "/msi/token";
    public static final String TENANT = "tenant-id";
    public static final String ENTRA_PATH = "/" + TENANT + "/oauth2/v2.0/token";
    public static final String IDENTITY_HEADER = "identity-header-s3cret";
    /** The subject of the tokens of a system-assigned identity (no client_id in the request). */
    public static final String SYSTEM_ASSIGNED = "system-assigned-principal";

    /** Issues the access tokens the endpoints answer with. */
    @FunctionalInterface
    public interface Minter {
        /** A token of {@code subject} for {@code resource} (null when the request named none), valid for {@code seconds}. */
        String mint(String subject, String resource, long seconds);
    }

    private final Clock clock;
    private final Minter minter;
    private final LoopbackServer server;
    private final Map<String, Deque<Answer>> scripts = new HashMap<>();
    private final List<Request> received = new ArrayList<>();
    private volatile long lifetimeSeconds = 3600;

    /**
     * Listens on 127.0.0.1 and a free port. Unchecked exceptions only, so that a test can make it in
     * a field initializer.
     *
     * @throws UncheckedIOException when no port could be bound
     */
    public AzureIdentityServer(Clock clock, Minter minter) {
        this.clock = clock;
        this.minter = minter;
        for (String path : List.of(IMDS_PATH, APP_SERVICE_PATH, ENTRA_PATH)) {
            scripts.put(path, new ArrayDeque<>());
        }
        try {
            server = new LoopbackServer("AzureIdentityServer", 0, 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.start((socket, id) -> serve(socket));
    }

    /** What {@code imdsEndpoint} or AZURE_IMDS_ENDPOINT would be. */
    public String imdsEndpoint() {
        return "http://127.0.0.1:" + server.port();
    }

    /** What IDENTITY_ENDPOINT would be on App Service. */
    public String identityEndpoint() {
        return imdsEndpoint() + APP_SERVICE_PATH;
    }

    /** The tenant's token endpoint. */
    public String tokenUrl() {
        return imdsEndpoint() + ENTRA_PATH;
    }

    /** The tokens issued from now on are valid for {@code seconds}. */
    public void tokensExpireIn(long seconds) {
        lifetimeSeconds = seconds;
    }

    /** The next request to {@code path} gets {@code status} with {@code body} (JSON, or else text/plain). */
    public AzureIdentityServer then(String path, int status, String body) {
        synchronized (scripts) {
            scripts.get(path).add(new Answer(status, body));
        }
        return this;
    }

    /** The requests to {@code path}, oldest first. */
    public List<Request> requests(String path) {
        synchronized (scripts) {
            return received.stream().filter(r -> r.path.equals(path)).collect(Collectors.toList());
        }
    }

    /** Every request so far, oldest first. */
    public List<Request> requests() {
        synchronized (scripts) {
            return List.copyOf(received);
        }
    }

    @Override
    public void close() {
        server.close();
    }

    private void serve(Socket socket) throws IOException {
        LoopbackHttp.Request http = LoopbackHttp.read(new BufferedInputStream(socket.getInputStream()));
        if (http == null) {
            return;
        }
        Answer answer = answer(new Request(http.method(), http.path(), http.query(), http.headers(), http.form()));
        LoopbackHttp.respond(socket.getOutputStream(), answer.status,
                answer.body.startsWith("{") ? "application/json; charset=utf-8" : "text/plain", answer.body);
    }

    private Answer answer(Request request) {
        synchronized (scripts) {
            received.add(request);
            Deque<Answer> script = scripts.get(request.path);
            if (script == null) {
                return new Answer(404, "{\"error\":\"not_found\"}");
            }
            Answer scripted = script.poll();
            if (scripted != null) {
                return scripted;
            }
        }
        boolean entra = request.path.equals(ENTRA_PATH);
        long lifetime = lifetimeSeconds;
        String clientId = entra ? request.form.get("client_id") : request.query.get("client_id");
        String resource = entra ? request.form.get("scope") : request.query.get("resource");
        String token = minter.mint(clientId != null ? clientId : SYSTEM_ASSIGNED, resource, lifetime);
        long expiresOn = clock.instant().getEpochSecond() + lifetime;
        return new Answer(200, entra
                ? "{\"token_type\":\"Bearer\",\"expires_in\":" + lifetime + ",\"access_token\":\"" + token + "\"}"
                : "{\"access_token\":\"" + token + "\",\"expires_in\":\"" + lifetime + "\",\"expires_on\":\"" + expiresOn
                        + "\",\"resource\":\"" + resource + "\",\"token_type\":\"Bearer\"}");
    }

    private static final class Answer {
        final int status;
        final String body;

        Answer(int status, String body) {
            this.status = status;
            this.body = body;
        }
    }

    /** One request as it came; {@code headers} by lower-case name. {@code toString()} shows names only. */
    public static final class Request {
        public final String method;
        public final String path;
        public final Map<String, String> query;
        public final Map<String, String> headers;
        public final Map<String, String> form;

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
}
