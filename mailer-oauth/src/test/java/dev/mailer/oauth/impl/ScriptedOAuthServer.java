package dev.mailer.oauth.impl;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A device authorization endpoint and a token endpoint on loopback that answer with scripted JSON,
 * for what mock-oauth2-server does not do (the device-code flow, a code exchange without a refresh
 * token, odd token responses, answers held back while a test acts). Optionally refreshes like a
 * server whose refresh tokens rotate and are single-use ({@link #rotatingRefreshTokens}). Records
 * the form of every request as it arrives, before it is answered; each request has its own thread,
 * so a held answer does not keep the next request out.
 */
final class ScriptedOAuthServer implements AutoCloseable {

    static final String DEVICE_PATH = "/devicecode";
    static final String TOKEN_PATH = "/token";
    /** A second token endpoint, for refreshUrl. */
    static final String REFRESH_PATH = "/refresh";

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<String, Deque<String[]>> scripts = new HashMap<>();
    private final Map<String, List<Map<String, String>>> received = new HashMap<>();
    private volatile Runnable beforeAnswer = () -> { };
    // guarded by scripts
    private Rotation rotation;

    ScriptedOAuthServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        for (String path : List.of(DEVICE_PATH, TOKEN_PATH, REFRESH_PATH)) {
            scripts.put(path, new ArrayDeque<>());
            received.put(path, new ArrayList<>());
            server.createContext(path, exchange -> answer(path, exchange));
        }
        server.setExecutor(threads);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next request to {@code path} gets {@code status} with {@code json}; the last answer repeats once the script is used up. */
    ScriptedOAuthServer then(String path, int status, String json) {
        synchronized (scripts) {
            scripts.get(path).add(new String[] {Integer.toString(status), json});
        }
        return this;
    }

    /** Runs {@code action} on the server's thread before each answer, while the client waits for it. */
    ScriptedOAuthServer beforeEachAnswer(Runnable action) {
        this.beforeAnswer = action;
        return this;
    }

    /**
     * From now on refresh_token requests are answered as by a server whose refresh tokens rotate
     * and are single-use (Keycloak, Okta, Auth0): {@code first}, then each successor, is exchanged
     * once for a new access token ({@code access-1}, ...) valid for {@code expiresIn} seconds and a
     * new refresh token ({@code refresh-1}, ...); a refresh token sent again revokes them all.
     */
    ScriptedOAuthServer rotatingRefreshTokens(String first, long expiresIn) {
        synchronized (scripts) {
            rotation = new Rotation(first, expiresIn);
        }
        return this;
    }

    /** Waits until {@code count} requests reached {@code path}; false when the deadline passed first. */
    boolean awaitRequests(String path, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (scripts) {
            while (received.get(path).size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(scripts, left);
            }
            return true;
        }
    }

    /** The refresh tokens the token endpoint received, in the order they came. */
    List<String> refreshTokensReceived() {
        List<String> tokens = new ArrayList<>();
        for (Map<String, String> form : requests(TOKEN_PATH)) {
            if (form.containsKey("refresh_token")) {
                tokens.add(form.get("refresh_token"));
            }
        }
        return tokens;
    }

    static String error(String error, String description) {
        return "{\"error\":\"" + error + "\"" + (description == null ? "" : ",\"error_description\":\"" + description + "\"") + "}";
    }

    /** The forms received at {@code path}, oldest first. */
    List<Map<String, String>> requests(String path) {
        synchronized (scripts) {
            return List.copyOf(received.get(path));
        }
    }

    /** A configuration of the refresh_token grant against this server, without refresh token. */
    Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>();
        config.put("tokenUrl", url(TOKEN_PATH));
        config.put("deviceAuthUrl", url(DEVICE_PATH));
        config.put("clientId", "mailer-client");
        config.put("scopes", new String[] {"https://outlook.office.com/SMTP.Send", "offline_access"});
        return config;
    }

    private void answer(String path, HttpExchange exchange) throws IOException {
        String[] answer;
        synchronized (scripts) {
            Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            received.get(path).add(form);
            scripts.notifyAll();
            Deque<String[]> script = scripts.get(path);
            answer = rotation != null && "refresh_token".equals(form.get("grant_type")) ? rotation.exchange(form.get("refresh_token"))
                    : script.size() > 1 ? script.poll() : script.peek();
        }
        if (answer == null) {
            answer = new String[] {"500", error("server_error", "nothing scripted")};
        }
        beforeAnswer.run();
        byte[] body = answer[1].getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
        exchange.sendResponseHeaders(Integer.parseInt(answer[0]), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    /** Single-use refresh tokens with reuse detection. Guarded by the server's lock. */
    private static final class Rotation {
        private final Set<String> valid = new HashSet<>();
        private final long expiresIn;
        private int issued;

        Rotation(String first, long expiresIn) {
            this.valid.add(first);
            this.expiresIn = expiresIn;
        }

        String[] exchange(String refreshToken) {
            if (!valid.remove(refreshToken)) {
                valid.clear(); // a reused refresh token: the whole sign-in is revoked
                return new String[] {"400", error("invalid_grant", "refresh token reuse detected; the session is revoked")};
            }
            issued++;
            valid.add("refresh-" + issued);
            return new String[] {"200", "{\"access_token\":\"access-" + issued + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                    + expiresIn + ",\"refresh_token\":\"refresh-" + issued + "\"}"};
        }
    }
}
