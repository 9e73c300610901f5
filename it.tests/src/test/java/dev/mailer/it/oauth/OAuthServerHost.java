package dev.mailer.it.oauth;

import java.time.Duration;
import java.util.Map;

import dev.mailer.testsupport.oauth.LoopbackOAuth2Server;
import okhttp3.HttpUrl;

/**
 * The real OAuth2 server of the tests: mock-oauth2-server (Kotlin, not an OSGi bundle), in the
 * test JVM <b>outside</b> Felix, on 127.0.0.1 and a free port (test-support's
 * {@link LoopbackOAuth2Server}). Runs on the Pax Exam driver side only: a test class's
 * {@code @Configuration} method starts it (that method runs in the test JVM
 * before the framework exists); the tests inside Felix reach it over HTTP only, at the URL in the
 * system property {@link #URL_PROPERTY}. No class of the server is ever visible inside Felix, and
 * this class must never be loaded there.
 *
 * <p>One server for the whole test JVM (it keeps nothing a test depends on: every test gets its
 * own refresh tokens and client secret), stopped when the JVM exits. Its configuration is
 * {@link Issuers#serverConfigJson()}: an issuer per token lifetime, refresh-token rotation on.
 */
public final class OAuthServerHost {

    /** The system property with the server's base URL, e.g. {@code http://127.0.0.1:40123}. */
    public static final String URL_PROPERTY = "mailer.it.oauth.server";

    private static LoopbackOAuth2Server server;

    private OAuthServerHost() {
    }

    /** Starts the server once per JVM; returns its base URL (also in {@link #URL_PROPERTY}). */
    public static synchronized String ensureStarted() {
        if (server == null) {
            server = LoopbackOAuth2Server.start(Issuers.serverConfigJson()).stopOnExit();
        }
        String url = server.baseUrl();
        System.setProperty(URL_PROPERTY, url);
        return url;
    }

    /**
     * A JWT that {@code issuer} signs for {@code subject} and {@code audience}, valid for
     * {@code seconds}, as if issued by a grant the server does not run (e.g. an Azure identity's):
     * the SMTP server's XOAUTH2 introspects it at that issuer like any other.
     */
    public static synchronized String issueToken(Issuers issuer, String subject, String audience, long seconds) {
        // iss as in the tokens of the token endpoint, http://127.0.0.1:<port>/<issuer> (issueToken would say localhost)
        HttpUrl issuerUrl = HttpUrl.get(ensureStarted() + "/" + issuer.id());
        return server.server().anyToken(issuerUrl, Map.of("sub", subject, "aud", audience), Duration.ofSeconds(seconds)).serialize();
    }
}
