package dev.mailer.testsupport.oauth;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicBoolean;

import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.Route;

/**
 * The tests' real OAuth2 server, mock-oauth2-server, on 127.0.0.1 and a free port: started here, the
 * one place that does so, and stopped by {@link #close()} (a test's own server) or when the JVM exits
 * ({@link #stopOnExit()}, a server a Pax Exam {@code @Configuration} method starts for the whole run).
 * What differs from test to test stays with the test: the configuration (issuers, token callbacks,
 * refresh-token rotation) and routes of its own, tried before the server's.
 *
 * <p>Outside OSGi only: mock-oauth2-server (Kotlin, not a bundle) is a {@code provided} dependency of
 * test-support, which each module that starts the server has on its own test class path; this
 * package is not exported and its imports are optional, so the bundle still resolves in Felix and
 * Karaf without it.
 */
public final class LoopbackOAuth2Server implements AutoCloseable {

    private final MockOAuth2Server server;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private LoopbackOAuth2Server(MockOAuth2Server server) {
        this.server = server;
    }

    /** Starts a server with mock-oauth2-server's default configuration (any issuer; tokens of its default callback). */
    public static LoopbackOAuth2Server start() {
        return start(new OAuth2Config());
    }

    /** Starts a server with {@code configJson}, mock-oauth2-server's JSON configuration (e.g. tokenCallbacks, rotateRefreshToken). */
    public static LoopbackOAuth2Server start(String configJson) {
        return start(OAuth2Config.Companion.fromJson(configJson));
    }

    /** Starts a server with {@code config} and {@code routes} of the test's own, tried before the server's. */
    public static LoopbackOAuth2Server start(OAuth2Config config, Route... routes) {
        MockOAuth2Server server = new MockOAuth2Server(config, routes);
        server.start(InetAddress.getLoopbackAddress(), 0);
        return new LoopbackOAuth2Server(server);
    }

    /** Stops the server when the JVM exits; returns this server. */
    public LoopbackOAuth2Server stopOnExit() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "mock-oauth2-server-shutdown"));
        return this;
    }

    /** The server itself, for what a test asks of it beyond URLs (issueToken, enqueueCallback, takeRequest, ...). */
    public MockOAuth2Server server() {
        return server;
    }

    /** The base URL, e.g. {@code http://127.0.0.1:40123}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.baseUrl().port();
    }

    /** {@code path} on this server. */
    public String url(String path) {
        return baseUrl() + path;
    }

    /** The token endpoint of {@code issuer}: {@code BASE/ISSUER/token}. */
    public String tokenUrl(String issuer) {
        return url("/" + issuer + "/token");
    }

    /** Stops the server; once only, whoever calls first. */
    @Override
    public void close() {
        if (stopped.compareAndSet(false, true)) {
            server.shutdown();
        }
    }
}
