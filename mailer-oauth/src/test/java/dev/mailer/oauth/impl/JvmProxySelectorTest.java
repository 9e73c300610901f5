package dev.mailer.oauth.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Without httpProxy, token requests go through the proxy the JVM's {@link ProxySelector} chooses
 * (https.proxyHost/https.proxyPort, as AEM as a Cloud Service sets its egress proxy), not direct.
 * The JVM's default selector never proxies 127.0.0.1 (http.nonProxyHosts), so the request test
 * gives the client a selector of its own; a second test shows that the default is the JVM's.
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
        Map<String, Object> config = server.scriptedConfig();
        config.put("grantType", "client_credentials");
        config.put("clientSecret", "client-s3cret");
        config.putAll(extra);
        return OAuthSettings.from(config);
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
