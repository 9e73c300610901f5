package dev.mailer.testsupport.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The one HTTP client of the tests: a GET, or the POST of a form, with or without an Authorization
 * header, one request at a time and without following redirects, so that a test acting as the
 * admin's browser sees each {@code Location}. The token requests of the test OAuth flows, the
 * relay's forwarding and the SMTP server's token introspection use it too. Plain JDK: it runs
 * inside Felix and in the test JVM.
 */
public final class Http {

    private Http() {
    }

    /** A GET without credentials. */
    public static Response get(String url) throws IOException {
        return get(url, null);
    }

    /** A GET with {@code authorization} as Authorization header (e.g. {@link #basic}), or none when null. */
    public static Response get(String url, String authorization) throws IOException {
        return send("GET", url, authorization, null);
    }

    /** A form's POST ({@code application/x-www-form-urlencoded}), with {@code authorization} as for {@link #get}. */
    public static Response post(String url, String authorization, Map<String, String> form) throws IOException {
        return post(url, authorization, form.entrySet().stream()
                .map(field -> URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")));
    }

    /** As {@link #post(String, String, Map)}, with the form already encoded ({@code a=1&b=2}). */
    public static Response post(String url, String authorization, String encodedForm) throws IOException {
        return send("POST", url, authorization, encodedForm);
    }

    /** {@code formBody}: sent as a form, or nothing when null. */
    private static Response send(String method, String url, String authorization, String formBody) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        try {
            connection.setRequestMethod(method);
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout(20_000);
            if (authorization != null) {
                connection.setRequestProperty("Authorization", authorization);
            }
            if (formBody != null) {
                connection.setDoOutput(true);
                connection.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(formBody.getBytes(StandardCharsets.UTF_8));
                }
            }
            int status = connection.getResponseCode();
            Map<String, String> headers = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> header : connection.getHeaderFields().entrySet()) {
                if (header.getKey() != null && !header.getValue().isEmpty()) {
                    headers.put(header.getKey().toLowerCase(Locale.ROOT), header.getValue().get(0));
                }
            }
            String body;
            try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            return new Response(url, status, headers, body);
        } finally {
            connection.disconnect();
        }
    }

    /** The Authorization header value of HTTP Basic. */
    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** The query parameters of {@code url}, decoded, first value each. */
    public static Map<String, String> query(String url) {
        Map<String, String> parameters = new LinkedHashMap<>();
        String query = URI.create(url).getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                parameters.putIfAbsent(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return parameters;
    }

    /** An answer. {@link #toString()} shows status, headers and body, but not the query of a Location (it may hold a code). */
    public static final class Response {
        private final String url;
        private final int status;
        private final Map<String, String> headers;
        private final String body;

        Response(String url, int status, Map<String, String> headers, String body) {
            this.url = url;
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        public int status() {
            return status;
        }

        /** A header's first value, or null (names are case-insensitive). */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** The redirect target; fails unless this is a redirect. */
        public String location() {
            String location = header("Location");
            if (status / 100 != 3 || location == null) {
                throw new AssertionError("Expected a redirect from " + URI.create(url).getPath() + ", got " + this);
            }
            return location;
        }

        public String body() {
            return body;
        }

        /** The value of the page's hidden input {@code name} (as written: no entities expected); fails when there is none. */
        public String hiddenInput(String name) {
            Matcher input = Pattern.compile("<input type=\"hidden\" name=\"" + Pattern.quote(name) + "\" value=\"([^\"]*)\"")
                    .matcher(body);
            if (!input.find()) {
                throw new AssertionError("Expected a hidden input " + name + " in the page of " + URI.create(url).getPath()
                        + ", got " + this);
            }
            return input.group(1);
        }

        @Override
        public String toString() {
            Map<String, String> shown = new LinkedHashMap<>(headers);
            shown.computeIfPresent("location", (name, value) -> value.replaceFirst("\\?.*", "?..."));
            return "HTTP " + status + " " + shown + "\n" + body;
        }
    }
}
