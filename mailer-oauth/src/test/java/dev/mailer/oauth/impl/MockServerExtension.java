package dev.mailer.oauth.impl;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.mailer.testsupport.oauth.LoopbackOAuth2Server;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.Route;

/**
 * A mock-oauth2-server on loopback (test-support's {@link LoopbackOAuth2Server}) with routes of a
 * test's own, tried before the server's; a test registers it with {@code @RegisterExtension}, which
 * stops it after each test.
 */
abstract class MockServerExtension implements AfterEachCallback, AutoCloseable {

    private final LoopbackOAuth2Server loopback;
    final MockOAuth2Server server;

    /** Starts the server; {@link #routes()} is asked for its routes here, before the subclass's constructor runs. */
    MockServerExtension(OAuth2Config config) {
        loopback = LoopbackOAuth2Server.start(config, routes());
        server = loopback.server();
    }

    /** The routes of the test's own; they may use the subclass's fields only once requests come. */
    abstract Route[] routes();

    /** {@code path} on this server. */
    String url(String path) {
        return loopback.url(path);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        loopback.close();
    }
}
