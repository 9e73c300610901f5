package dev.mailer.oauth.impl;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.Route;

/**
 * A mock-oauth2-server on loopback with routes of a test's own, tried before the server's; a test
 * registers it with {@code @RegisterExtension}, which stops it after each test.
 */
abstract class MockServerExtension implements AfterEachCallback, AutoCloseable {

    final MockOAuth2Server server;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Starts the server; {@link #routes()} is asked for its routes here, before the subclass's constructor runs. */
    MockServerExtension(OAuth2Config config) {
        server = new MockOAuth2Server(config, routes());
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    /** The routes of the test's own; they may use the subclass's fields only once requests come. */
    abstract Route[] routes();

    /** {@code path} on this server. */
    String url(String path) {
        return "http://127.0.0.1:" + server.baseUrl().port() + path;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.shutdown();
        }
    }
}
