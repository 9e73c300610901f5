package dev.mailer.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The HTTP side of the benchmarks' OAuth2 calls: a token request, and an introspection. Thread-safe. */
final class TokenClient {

    private static final Pattern EXP = Pattern.compile("\"active\"\\s*:\\s*true\\s*,\\s*\"exp\"\\s*:\\s*(\\d+)");
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .proxy(HttpClient.Builder.NO_PROXY).build();

    /** A new access token from {@code tokenUri} (client credentials). */
    String requestToken(URI tokenUri) throws IOException {
        String body = post(tokenUri, "grant_type=client_credentials&client_id=bench&client_secret=bench-secret");
        Matcher m = ACCESS_TOKEN.matcher(body);
        if (!m.find()) {
            throw new IOException("no access_token in the token response");
        }
        return m.group(1);
    }

    /** The expiry of {@code token} if it is active at {@code introspectionUri}, else null. */
    Instant expiry(URI introspectionUri, String token) throws IOException {
        Matcher m = EXP.matcher(post(introspectionUri, "token=" + token));
        return m.find() ? Instant.ofEpochSecond(Long.parseLong(m.group(1))) : null;
    }

    private String post(URI uri, String form) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " from " + uri);
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
