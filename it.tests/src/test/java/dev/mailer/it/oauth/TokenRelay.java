package dev.mailer.it.oauth;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.json.JSONObject;

import dev.mailer.testsupport.net.Http;
import dev.mailer.testsupport.net.LoopbackHttp;
import dev.mailer.testsupport.net.LoopbackServer;

/**
 * The token endpoint the OAuth profiles are configured with ({@code OAUTH_TOKEN_URL}): a small
 * HTTP/1.1 server inside Felix, on 127.0.0.1 and the reserved port, that passes every token request
 * on to the real OAuth2 server (mock-oauth2-server, outside Felix) and records what it received and
 * what came back, so that tests can assert on the requests: grant types, refresh tokens sent,
 * counts, timing.
 * <ul>
 * <li>the issuer (tenant) each request goes to is chosen by the test ({@link #useIssuer}): token
 * lifetimes and claims are per issuer ({@link Issuers});</li>
 * <li>client authentication as Entra ID does it: a client registered with {@link #registerClient}
 * must present that secret, else {@code 401 invalid_client} with {@code AADSTS7000215} (the test
 * server takes any secret);</li>
 * <li>everything else, including {@code invalid_grant} for an unknown or already rotated refresh
 * token, is the real server's answer.</li>
 * </ul>
 * Runs inside Felix (org.json from the runtime's bundle) and, for {@code LauncherOAuthIT}, in the
 * test JVM (org.json added to failsafe's class path; a free port there, see {@link #url()}).
 * Records keep secrets in memory for the assertions; their {@code toString()} never shows one.
 */
public final class TokenRelay implements Closeable {

    private final LoopbackServer server;
    private final String path;
    private final String upstreamBase;
    private final Map<String, String> clientSecrets = new ConcurrentHashMap<>();
    private final List<Exchange> exchanges = new ArrayList<>();
    private volatile String issuer = Issuers.OFFICE365.id();
    /** Runs for every request before it is answered, while the client waits for the answer. */
    private volatile Consumer<Exchange> whileAnswering = exchange -> { };
    /** Answers given instead of relaying, to the next requests, in order: status and JSON body. */
    private final Deque<Object[]> scripted = new ConcurrentLinkedDeque<>();

    private TokenRelay(URI endpoint, String upstreamBase) throws IOException {
        this.path = endpoint.getPath();
        this.upstreamBase = upstreamBase;
        this.server = new LoopbackServer("TokenRelay", endpoint.getPort(), 100);
        server.start((socket, id) -> {
            socket.setSoTimeout(30_000);
            handle(socket);
        });
    }

    /**
     * Listens at {@code endpoint} (an http URL on 127.0.0.1: its port and path) and relays to the
     * OAuth2 server at {@code upstreamBase} (e.g. {@code http://127.0.0.1:40123}).
     */
    public static TokenRelay start(URI endpoint, String upstreamBase) throws IOException {
        return new TokenRelay(endpoint, upstreamBase);
    }

    /**
     * The URL the relay answers at: {@code endpoint} as given to {@link #start}, with the port it
     * actually listens on (a free one when that was 0).
     */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** From now on, token requests go to this issuer's token endpoint. */
    public TokenRelay useIssuer(Issuers issuer) {
        this.issuer = issuer.id();
        return this;
    }

    /**
     * Answers the next {@code count} token requests with {@code status} and {@code json} instead of
     * relaying them (e.g. 503 while the endpoint is down, 429 when it throttles).
     */
    public TokenRelay answerNext(int count, int status, String json) {
        for (int i = 0; i < count; i++) {
            scripted.add(new Object[] {status, json});
        }
        return this;
    }

    /**
     * Runs {@code action} for every request before it is answered, on the relay's thread, while the
     * client waits for the answer (e.g. to see which thread of the client asked).
     */
    public TokenRelay whileAnswering(Consumer<Exchange> action) {
        this.whileAnswering = action;
        return this;
    }

    /** Requests with this client_id must carry this client_secret. */
    public TokenRelay registerClient(String clientId, String clientSecret) {
        clientSecrets.put(clientId, clientSecret);
        return this;
    }

    /** Every token request received so far, in order. */
    public List<Exchange> exchanges() {
        synchronized (exchanges) {
            return List.copyOf(exchanges);
        }
    }

    /**
     * The requests answered so far, in order: the ones before the first still in flight. The
     * provider's upkeep goes on renewing while a test looks, so a snapshot can end in a request
     * whose answer is not yet written.
     */
    public List<Exchange> answered() {
        synchronized (exchanges) {
            return exchanges.stream().takeWhile(Exchange::answered).collect(Collectors.toList());
        }
    }

    public int count() {
        synchronized (exchanges) {
            return exchanges.size();
        }
    }

    /** The last exchange; fails when there was none. */
    public Exchange last() {
        synchronized (exchanges) {
            if (exchanges.isEmpty()) {
                throw new AssertionError("The token endpoint received no request");
            }
            return exchanges.get(exchanges.size() - 1);
        }
    }

    /** Waits until {@code count} requests were answered; fails after {@code timeout}. */
    public List<Exchange> awaitAnswered(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (exchanges) {
            while (exchanges.stream().filter(Exchange::answered).count() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("The token endpoint did not answer " + count + " request(s) within "
                            + timeout.toMillis() + " ms; received: " + exchanges);
                }
                exchanges.wait(Math.max(1, left / 1_000_000));
            }
            return List.copyOf(exchanges);
        }
    }

    /** The access tokens, refresh tokens and client secrets seen, to check logs against. */
    public Set<String> secretsSeen() {
        Set<String> secrets = new java.util.LinkedHashSet<>(clientSecrets.values());
        for (Exchange e : exchanges()) {
            for (String value : new String[] {e.form("client_secret"), e.form("refresh_token"), e.accessToken(), e.refreshToken()}) {
                if (value != null && !value.isEmpty()) {
                    secrets.add(value);
                }
            }
        }
        return secrets;
    }

    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "TokenRelay[127.0.0.1:" + server.port() + path + " -> " + upstreamBase + "/" + issuer + "/token]";
    }

    /** One request per connection (the answer says Connection: close). */
    private void handle(Socket socket) throws IOException {
        LoopbackHttp.Request request = LoopbackHttp.read(new BufferedInputStream(socket.getInputStream()));
        OutputStream out = socket.getOutputStream();
        if (request == null) {
            return;
        }
        if (!"POST".equals(request.method()) || !path.equals(request.path())) {
            respond(out, 404, "{\"error\":\"not_found\"}");
            return;
        }
        String body = request.body();
        Exchange exchange = new Exchange(Instant.now(), request.form(), request.headers().containsKey("authorization"));
        synchronized (exchanges) {
            exchanges.add(exchange);
        }
        whileAnswering.accept(exchange);
        int status;
        String answer;
        String expected = clientSecrets.get(String.valueOf(exchange.form("client_id")));
        Object[] script = scripted.poll();
        if (script != null) {
            status = (Integer) script[0];
            answer = (String) script[1];
        } else if (expected != null && !expected.equals(exchange.form("client_secret"))) {
            status = 401;
            answer = new JSONObject()
                    .put("error", "invalid_client")
                    .put("error_description", "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in"
                            + " the request is the client secret value, not the client secret ID, for a secret added to app '"
                            + exchange.form("client_id") + "'.")
                    .put("error_codes", new int[] {7000215})
                    .toString();
        } else {
            Http.Response upstream = Http.post(upstreamBase + "/" + issuer + "/token", null, body);
            status = upstream.status();
            answer = upstream.body();
        }
        exchange.answer(status, answer);
        synchronized (exchanges) {
            exchanges.notifyAll();
        }
        respond(out, status, answer);
    }

    private static void respond(OutputStream out, int status, String json) throws IOException {
        LoopbackHttp.respond(out, status, "application/json;charset=UTF-8", json);
    }

    /** A token request as received, and the answer it got. */
    public static final class Exchange {
        private final Instant receivedAt;
        private final Map<String, String> form;
        private final boolean authorizationHeader;
        private volatile Instant answeredAt;
        private volatile int status;
        private volatile JSONObject answer;

        Exchange(Instant receivedAt, Map<String, String> form, boolean authorizationHeader) {
            this.receivedAt = receivedAt;
            this.form = form;
            this.authorizationHeader = authorizationHeader;
        }

        void answer(int status, String body) {
            this.status = status;
            JSONObject json;
            try {
                json = new JSONObject(body);
            } catch (RuntimeException e) {
                json = new JSONObject();
            }
            this.answer = json;
            this.answeredAt = Instant.now();
        }

        public boolean answered() {
            return answeredAt != null;
        }

        public Instant receivedAt() {
            return receivedAt;
        }

        public Instant answeredAt() {
            return answeredAt;
        }

        /** A form parameter of the request, or null. */
        public String form(String name) {
            return form.get(name);
        }

        public String grantType() {
            return form("grant_type");
        }

        /** The refresh token the client sent, or null. */
        public String refreshTokenSent() {
            return form("refresh_token");
        }

        /** Whether the client sent an Authorization header (client_secret_basic) instead of the form. */
        public boolean authorizationHeader() {
            return authorizationHeader;
        }

        public int status() {
            return status;
        }

        public String accessToken() {
            return answer == null ? null : answer.optString("access_token", null);
        }

        /** The refresh token the server answered with (a rotated one), or null. */
        public String refreshToken() {
            return answer == null ? null : answer.optString("refresh_token", null);
        }

        public long expiresIn() {
            return answer == null ? -1 : answer.optLong("expires_in", -1);
        }

        /** When the access token of the answer expires: its {@code exp} claim (the SMTP server checks that). */
        public Instant accessTokenExpiry() {
            String[] parts = String.valueOf(accessToken()).split("\\.");
            if (parts.length != 3) {
                throw new AssertionError("the answer has no JWT access token: " + this);
            }
            JSONObject claims = new JSONObject(new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            return Instant.ofEpochSecond(claims.getLong("exp"));
        }

        public String error() {
            return answer == null ? null : answer.optString("error", null);
        }

        public String errorDescription() {
            return answer == null ? null : answer.optString("error_description", null);
        }

        /** Matches exchanges by grant type. */
        public static Predicate<Exchange> grant(String grantType) {
            return e -> grantType.equals(e.grantType());
        }

        @Override
        public String toString() {
            return "Exchange[" + receivedAt + ", grant_type=" + grantType() + ", scope=" + form("scope") + ", client_id="
                    + form("client_id") + ", status=" + status + (error() == null ? "" : ", error=" + error()) + "]";
        }
    }
}
