package dev.mailer.oauth.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import dev.mailer.testsupport.pki.TestPki;

/**
 * Without httpProxy, token requests go through the proxy the JVM's {@link ProxySelector} chooses
 * (https.proxyHost/https.proxyPort, as AEM as a Cloud Service sets its egress proxy), not direct.
 * The JVM's default selector never proxies 127.0.0.1 (http.nonProxyHosts), so the plain-http test
 * gives the client a selector of its own, and the https test names a host the proxy maps to loopback.
 */
class JvmProxySelectorTest {

    @RegisterExtension
    final OAuthTestServer server = new OAuthTestServer();

    @Test
    void aTokenRequestGoesThroughTheProxyTheSelectorChooses() throws Exception {
        server.then(OAuthTestServer.TOKEN_PATH, 200, "{\"access_token\":\"access-s3cret\",\"expires_in\":3599}");
        try (ConnectProxy proxy = new ConnectProxy()) {
            RecordingSelector selector = new RecordingSelector(new Proxy(Proxy.Type.HTTP, proxy.address()));

            TokenResponse response = new TokenEndpoint(settings(Map.of()), selector).clientCredentials();

            assertEquals("access-s3cret", response.accessToken);
            assertEquals(1, proxy.requestLines().size(), proxy.requestLines().toString());
            assertTrue(proxy.requestLines().get(0).startsWith("POST " + server.url(OAuthTestServer.TOKEN_PATH)),
                    proxy.requestLines().toString());
            assertEquals(List.of(URI.create(server.url(OAuthTestServer.TOKEN_PATH))), selector.asked);
        }
    }

    /**
     * The whole path as on AEM as a Cloud Service: only https.proxyHost and https.proxyPort are set, the
     * JVM's own selector picks the proxy, the client asks it to {@code CONNECT} to the token host and runs
     * TLS through the tunnel, verifying the endpoint's certificate for its name. The host name is one the
     * client cannot resolve (the proxy does) and that http.nonProxyHosts does not exempt.
     */
    @Test
    void anHttpsTokenRequestTunnelsThroughTheProxyOfHttpsProxyHostAndPort() throws Exception {
        TestPki pki = TestPki.shared();
        HttpsServer endpoint = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        endpoint.setHttpsConfigurator(new HttpsConfigurator(pki.otherHostServerContext())); // mail.example.invalid
        endpoint.createContext("/token", exchange -> {
            byte[] json = "{\"access_token\":\"access-s3cret\",\"token_type\":\"Bearer\",\"expires_in\":3599}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, json.length);
            exchange.getResponseBody().write(json);
            exchange.close();
        });
        endpoint.start();
        SSLSocketFactory jvmTrust = HttpsURLConnection.getDefaultSSLSocketFactory();
        try (ConnectProxy proxy = ConnectProxy.tunnellingTo(endpoint.getAddress())) {
            // the test CA stands in for the JVM's cacerts
            HttpsURLConnection.setDefaultSSLSocketFactory(pki.clientContext().getSocketFactory());
            System.setProperty("https.proxyHost", "127.0.0.1");
            System.setProperty("https.proxyPort", String.valueOf(proxy.port()));
            Map<String, Object> config = settingsMap(Map.of());
            config.put("tokenUrl", "https://mail.example.invalid:" + endpoint.getAddress().getPort() + "/token");

            TokenResponse response = new TokenEndpoint(OAuthSettings.from(config)).clientCredentials();

            assertEquals("access-s3cret", response.accessToken);
            assertEquals(List.of("CONNECT mail.example.invalid:" + endpoint.getAddress().getPort() + " HTTP/1.1"),
                    proxy.requestLines());
        } finally {
            System.clearProperty("https.proxyHost");
            System.clearProperty("https.proxyPort");
            HttpsURLConnection.setDefaultSSLSocketFactory(jvmTrust);
            endpoint.stop(0);
        }
    }

    @Test
    void httpProxyWinsOverTheSelector() throws Exception {
        try (ConnectProxy proxy = new ConnectProxy()) {
            RecordingSelector selector = new RecordingSelector(Proxy.NO_PROXY);
            TimedHttpClient client = new TimedHttpClient(settings(Map.of("httpProxy", "127.0.0.1:" + proxy.port())), selector);

            Proxy chosen = client.proxyFor(URI.create("https://login.example/token"));

            assertEquals(Proxy.Type.HTTP, chosen.type());
            assertEquals(proxy.port(), ((InetSocketAddress) chosen.address()).getPort());
            assertEquals(List.of(), selector.asked);
        }
    }

    @Test
    void withoutHttpProxyTheJvmsDefaultSelectorDecides() throws Exception {
        RecordingSelector jvm = new RecordingSelector(Proxy.NO_PROXY);
        ProxySelector previous = ProxySelector.getDefault();
        ProxySelector.setDefault(jvm);
        try {
            TimedHttpClient client = new TimedHttpClient(settings(Map.of()));

            client.proxyFor(URI.create("https://login.example/token"));
        } finally {
            ProxySelector.setDefault(previous);
        }

        assertEquals(List.of(URI.create("https://login.example/token")), jvm.asked);
    }

    private OAuthSettings settings(Map<String, Object> extra) throws Exception {
        return OAuthSettings.from(settingsMap(extra));
    }

    private Map<String, Object> settingsMap(Map<String, Object> extra) {
        Map<String, Object> config = server.scriptedConfig();
        config.put("grantType", "client_credentials");
        config.put("clientSecret", "client-s3cret");
        config.putAll(extra);
        return config;
    }

    /** Answers every URI with one proxy, and records what it was asked for. */
    private static final class RecordingSelector extends ProxySelector {
        final List<URI> asked = new CopyOnWriteArrayList<>();
        private final Proxy proxy;

        RecordingSelector(Proxy proxy) {
            this.proxy = proxy;
        }

        @Override
        public List<Proxy> select(URI uri) {
            asked.add(uri);
            return List.of(proxy);
        }

        @Override
        public void connectFailed(URI uri, SocketAddress address, IOException e) {
            // the test's assertions show the failure
        }
    }
}
