package dev.mailer.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An OAuth2 token server on 127.0.0.1, just enough for the benchmarks: {@code POST /token} issues
 * an opaque access token (client credentials, any client), {@code POST /introspect} (RFC 7662) tells
 * whether one is active, as a submission server asks for every XOAUTH2 login. Counts both.
 */
final class TokenServer implements Closeable {

    static final long LIFETIME_SECONDS = 3600;

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "bench-token-server");
        thread.setDaemon(true);
        return thread;
    });
    /** Each active token with its expiry, in epoch seconds. */
    private final Map<String, Long> active = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger issued = new AtomicInteger();
    private final AtomicInteger introspections = new AtomicInteger();

    TokenServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/token", this::token);
        server.createContext("/introspect", this::introspect);
        server.setExecutor(threads);
        server.start();
    }

    URI tokenUri() {
        return uri("/token");
    }

    URI introspectionUri() {
        return uri("/introspect");
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    int issued() {
        return issued.get();
    }

    int introspections() {
        return introspections.get();
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> form = form(exchange);
        if (!"client_credentials".equals(form.get("grant_type"))) {
            answer(exchange, 400, "{\"error\":\"unsupported_grant_type\"}");
            return;
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        active.put(token, Instant.now().getEpochSecond() + LIFETIME_SECONDS);
        issued.incrementAndGet();
        answer(exchange, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":" + LIFETIME_SECONDS + "}");
    }

    private void introspect(HttpExchange exchange) throws IOException {
        Map<String, String> form = form(exchange);
        introspections.incrementAndGet();
        Long exp = active.get(String.valueOf(form.get("token")));
        answer(exchange, 200, exp != null ? "{\"active\":true,\"exp\":" + exp + "}" : "{\"active\":false}");
    }

    private static Map<String, String> form(HttpExchange exchange) throws IOException {
        Map<String, String> form = new HashMap<>();
        try (InputStream in = exchange.getRequestBody()) {
            for (String pair : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return form;
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
