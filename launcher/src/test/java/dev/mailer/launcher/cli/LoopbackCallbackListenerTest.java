package dev.mailer.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.mailer.launcher.args.UsageException;

class LoopbackCallbackListenerTest {

    private final HttpClient browser = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void onlyTheCallbackWithTheExpectedStateReachesTheHandler() throws Exception {
        int port = freePort();
        List<Map<String, String>> handled = new CopyOnWriteArrayList<>();
        try (LoopbackCallbackListener listener = LoopbackCallbackListener.open("http://localhost:" + port + "/oauth2/callback")) {
            CompletableFuture<LoopbackCallbackListener.Page> page = CompletableFuture.supplyAsync(() -> {
                try {
                    return listener.await("s1", Instant.now().plusSeconds(30), parameters -> {
                        handled.add(parameters);
                        return new LoopbackCallbackListener.Page(true, "Signed in <ok>");
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            String base = "http://127.0.0.1:" + port;
            assertEquals(404, get(base + "/favicon.ico").statusCode());
            HttpResponse<String> forged = get(base + "/oauth2/callback?state=other&code=c");
            assertEquals(400, forged.statusCode());
            assertTrue(forged.body().contains("state does not match"), forged.body());
            HttpResponse<String> callback = get(base + "/oauth2/callback?code=a%2Bb&state=s1");
            assertEquals(200, callback.statusCode());
            assertTrue(callback.body().contains("Signed in &lt;ok&gt;"), callback.body());
            assertTrue(page.get().success);
            assertEquals(List.of(Map.of("code", "a+b", "state", "s1")), handled);
        }
    }

    @Test
    void malformedOrAbortedRequestsDoNotEndTheWaitForTheCallback() throws Exception {
        int port = freePort();
        try (LoopbackCallbackListener listener = LoopbackCallbackListener.open("http://localhost:" + port + "/oauth2/callback")) {
            CompletableFuture<LoopbackCallbackListener.Page> page = CompletableFuture.supplyAsync(() -> {
                try {
                    return listener.await("s1", Instant.now().plusSeconds(30), p -> new LoopbackCallbackListener.Page(true, "ok"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // a bad percent-encoding and a target that is no URI: answered 400, not thrown out of await
            assertTrue(rawRequest(port, "GET /oauth2/callback?state=%zz HTTP/1.1").startsWith("HTTP/1.1 400"));
            assertTrue(rawRequest(port, "GET /oauth2/call|back?state=s1 HTTP/1.1").startsWith("HTTP/1.1 400"));
            // a client that resets its connection in the middle of the request
            try (java.net.Socket reset = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                reset.getOutputStream().write("GET /oauth2/callback".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                reset.setSoLinger(true, 0);
            }
            HttpResponse<String> callback = get("http://127.0.0.1:" + port + "/oauth2/callback?code=c&state=s1");
            assertEquals(200, callback.statusCode());
            assertTrue(page.get().success);
        }
    }

    private static String rawRequest(int port, String requestLine) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((requestLine + "\r\nHost: localhost\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void deadlineWithoutCallbackGivesNull() throws Exception {
        try (LoopbackCallbackListener listener = LoopbackCallbackListener.open("http://127.0.0.1:" + freePort() + "/cb")) {
            assertNull(listener.await("s", Instant.now().plusMillis(300), p -> new LoopbackCallbackListener.Page(true, "")));
        }
    }

    @Test
    void aRedirectUriOffThisMachineIsRefusedWithTheWayOut() {
        UsageException e = assertThrows(UsageException.class,
                () -> LoopbackCallbackListener.open("https://aem.example.com/services/mailer/oauth2/token"));
        assertTrue(e.getMessage().contains("authorize --device"), e.getMessage());
        assertTrue(e.getMessage().contains("OAUTH_REDIRECT_URL"), e.getMessage());
    }

    @Test
    void aTakenPortIsReportedWithTheFix() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            UsageException e = assertThrows(UsageException.class,
                    () -> LoopbackCallbackListener.open("http://localhost:" + taken.getLocalPort() + "/cb"));
            assertTrue(e.getMessage().contains("cannot listen at 127.0.0.1:" + taken.getLocalPort()), e.getMessage());
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
