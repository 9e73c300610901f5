package dev.mailer.launcher.cli;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.mailer.launcher.args.UsageException;

/**
 * Receives the provider's redirect of an authorization-code flow on this machine (RFC 8252 loopback
 * redirect): listens at the redirect URI's port on the loopback interface only, answers the one
 * browser request carrying the expected {@code state}, and ignores everything else (favicon
 * requests, stray or forged callbacks). A tiny HTTP/1.1 reader instead of a server library: it
 * serves one GET, and the JDK's HTTP server is not exported to bundles in every framework.
 */
final class LoopbackCallbackListener implements Closeable {

    /** Answers the callback: given its query parameters, returns the page text for the browser. */
    interface Handler {
        Page handle(Map<String, String> parameters);
    }

    /** What the browser shows once the callback is handled. */
    static final class Page {
        final boolean success;
        final String text;

        Page(boolean success, String text) {
            this.success = success;
            this.text = text;
        }
    }

    private static final int MAX_REQUEST_LINE = 16 * 1024;
    private static final int MAX_HEADERS = 100;
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

    private final ServerSocket server;
    private final String path;

    private LoopbackCallbackListener(ServerSocket server, String path) {
        this.server = server;
        this.path = path;
    }

    /**
     * Listens at the host and port of {@code redirectUri}, which must be plain http on a loopback
     * host: the browser on this machine delivers the code there.
     *
     * @throws UsageException when the URI is not a loopback http URI, or its port is taken
     */
    static LoopbackCallbackListener open(String redirectUri) throws UsageException {
        URI uri = URI.create(redirectUri);
        String host = uri.getHost();
        if (!"http".equalsIgnoreCase(uri.getScheme()) || host == null || !isLoopback(host)) {
            throw new UsageException("the redirect URI " + redirectUri + " is not on this machine, so this command cannot"
                    + " receive the code there. Register a loopback redirect URI such as http://localhost:8765/oauth2/callback"
                    + " with the provider and set it as authCodeRedirectUrl (OAUTH_REDIRECT_URL) or pass --redirect-uri;"
                    + " or use 'authorize --device'");
        }
        int port = uri.getPort() == -1 ? 80 : uri.getPort();
        String bindHost = host.equalsIgnoreCase("localhost") ? "127.0.0.1" : host.replace("[", "").replace("]", "");
        ServerSocket server = null;
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getByName(bindHost), port));
            return new LoopbackCallbackListener(server, uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
        } catch (IOException e) {
            closeQuietly(server);
            throw new UsageException("cannot listen at " + bindHost + ":" + port + " for the redirect " + redirectUri + " ("
                    + e.getMessage() + "): stop what uses that port, or register another loopback redirect URI and pass it"
                    + " with --redirect-uri");
        }
    }

    /**
     * Serves requests until one arrives at the redirect path with {@code state}, hands its
     * parameters to {@code handler} and shows the handler's page.
     *
     * @return the handled callback's page, or null when {@code deadline} passed first
     */
    Page await(String state, Instant deadline, Handler handler) throws IOException, InterruptedException {
        while (Instant.now().isBefore(deadline)) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long wait = Math.max(1, Math.min(1000, Duration.between(Instant.now(), deadline).toMillis()));
            server.setSoTimeout((int) wait);
            Socket client;
            try {
                client = server.accept();
            } catch (SocketTimeoutException e) {
                continue; // nothing yet: look at the deadline again
            }
            try (client) {
                client.setSoTimeout((int) CLIENT_TIMEOUT.toMillis());
                Page page = serve(client, state, handler);
                if (page != null) {
                    return page;
                }
            } catch (IOException e) {
                // this one connection failed (reset, closed early): it must not end the wait for the callback
            }
        }
        return null;
    }

    private Page serve(Socket client, String state, Handler handler) throws IOException {
        InputStream in = new BufferedInputStream(client.getInputStream());
        String requestLine;
        try {
            requestLine = readLine(in);
            // the headers are not needed, but the browser waits until they are read
            int headers = 0;
            for (String header = readLine(in); header != null && !header.isEmpty() && headers < MAX_HEADERS; header = readLine(in)) {
                headers++;
            }
        } catch (SocketTimeoutException e) {
            return null; // a browser's idle pre-connection
        }
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[0].equals("GET")) {
            respond(client, 405, "Only GET is served here.");
            return null;
        }
        URI target;
        Map<String, String> parameters;
        try {
            target = new URI(parts[1]);
            parameters = query(target.getRawQuery());
        } catch (URISyntaxException | IllegalArgumentException e) {
            // a malformed target or percent-encoding: a stray or forged request, ignored like the others
            respond(client, 400, "Not a valid request.");
            return null;
        }
        if (!path.equals(target.getRawPath())) {
            respond(client, 404, "Not found.");
            return null;
        }
        if (!state.equals(parameters.get("state"))) {
            respond(client, 400, "This response does not belong to the running authorize command (state does not match)."
                    + " Start the sign-in from the URL that command printed.");
            return null;
        }
        Page page = handler.handle(parameters);
        try {
            respond(client, page.success ? 200 : 400, page.text);
        } catch (IOException e) {
            // the browser went away: the callback was handled all the same
        }
        return page;
    }

    /**
     * One CRLF- or LF-terminated line in ISO-8859-1, at most {@value #MAX_REQUEST_LINE} bytes (the
     * rest of a longer line is skipped, so a huge request cannot fill the memory); null at the end.
     */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r' && line.length() < MAX_REQUEST_LINE) {
                line.append((char) b);
            }
        }
        return b == -1 && line.length() == 0 ? null : line.toString();
    }

    private static void respond(Socket client, int status, String text) throws IOException {
        String html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Mailer authorization</title></head><body><p>"
                + escape(text) + "</p></body></html>";
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + (status == 200 ? "OK" : status == 404 ? "Not Found" : "Bad Request") + "\r\n"
                + "Content-Type: text/html; charset=utf-8\r\nContent-Length: " + body.length + "\r\n"
                + "Cache-Control: no-store\r\nConnection: close\r\n\r\n";
        OutputStream out = client.getOutputStream();
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    static Map<String, String> query(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery == null) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            parameters.putIfAbsent(name, value);
        }
        return parameters;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT).replace("[", "").replace("]", "");
        if (h.equals("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9a-f:]+")) {
            return false; // a name other than localhost: no DNS lookup decides this
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The port actually listened on. */
    int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() {
        closeQuietly(server);
    }

    private static void closeQuietly(ServerSocket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
