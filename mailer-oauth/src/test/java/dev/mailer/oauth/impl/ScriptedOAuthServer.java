package dev.mailer.oauth.impl;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A device authorization endpoint and a token endpoint on loopback that answer with scripted JSON,
 * for what mock-oauth2-server does not do (the device-code flow, a code exchange without a refresh
 * token). Records the form of every request.
 */
final class ScriptedOAuthServer implements AutoCloseable {

    static final String DEVICE_PATH = "/devicecode";
    static final String TOKEN_PATH = "/token";

    private final HttpServer server;
    private final Map<String, Deque<String[]>> scripts = new HashMap<>();
    private final Map<String, List<Map<String, String>>> received = new HashMap<>();
    private volatile Runnable beforeAnswer = () -> { };

    ScriptedOAuthServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        for (String path : List.of(DEVICE_PATH, TOKEN_PATH)) {
            scripts.put(path, new ArrayDeque<>());
            received.put(path, new ArrayList<>());
            server.createContext(path, exchange -> answer(path, exchange));
        }
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
            received.get(path).add(form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            Deque<String[]> script = scripts.get(path);
            answer = script.size() > 1 ? script.poll() : script.peek();
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
    }
}
