package dev.mailer.testsupport.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The server side of HTTP/1.1 for the test servers on {@link LoopbackServer} ({@code TokenRelay},
 * {@code AzureIdentityServer}): one request read per connection, and an answer that closes it
 * ({@code Connection: close}). JDK classes only: it runs inside Felix as well as in the test JVM.
 */
public final class LoopbackHttp {

    private static final int MAX_LINE = 16_384;

    private LoopbackHttp() {
    }

    /** The next request on {@code in}, its body read as far as {@code Content-Length} says; null when the client sent nothing. */
    public static Request read(InputStream in) throws IOException {
        String requestLine = readLine(in);
        if (requestLine == null) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
        }
        String[] parts = requestLine.split(" ");
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        return new Request(parts[0], parts.length > 1 ? parts[1] : "", Collections.unmodifiableMap(headers), body);
    }

    /** Answers {@code status} with {@code body} as {@code contentType}, not to be cached, and closes the connection. */
    public static void respond(OutputStream out, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + "Cache-Control: no-store\r\n"
                + "Content-Length: " + bytes.length + "\r\n"
                + "Connection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    /** The fields of a form ({@code a=1&b=2}), decoded, in order. */
    public static Map<String, String> form(String encoded) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return Collections.unmodifiableMap(form);
    }

    private static String reason(int status) {
        switch (status) {
            case 200:
                return "OK";
            case 400:
                return "Bad Request";
            case 401:
                return "Unauthorized";
            case 404:
                return "Not Found";
            default:
                return "Error";
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
            if (line.size() > MAX_LINE) {
                throw new IOException("header line too long");
            }
        }
        return b < 0 && line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /** A request as it came: method, target (path and query), headers by lower-case name, body. */
    public static final class Request {
        private final String method;
        private final String target;
        private final Map<String, String> headers;
        private final String body;

        Request(String method, String target, Map<String, String> headers, String body) {
            this.method = method;
            this.target = target;
            this.headers = headers;
            this.body = body;
        }

        public String method() {
            return method;
        }

        /** The path of the target, still encoded; empty when the request line had none. */
        public String path() {
            try {
                String path = URI.create(target).getRawPath();
                return path == null ? "" : path;
            } catch (IllegalArgumentException e) {
                return "";
            }
        }

        /** The query parameters of the target, decoded, first value each. */
        public Map<String, String> query() {
            return Http.query(target);
        }

        /** Every header by lower-case name (the last of a repeated one). */
        public Map<String, String> headers() {
            return headers;
        }

        public String body() {
            return body;
        }

        /** The body as a form. */
        public Map<String, String> form() {
            return LoopbackHttp.form(body);
        }

        /** Method and path only: query, headers and body may hold secrets. */
        @Override
        public String toString() {
            return method + " " + path();
        }
    }
}
