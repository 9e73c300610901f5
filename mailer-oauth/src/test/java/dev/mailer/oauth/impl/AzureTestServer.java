package dev.mailer.oauth.impl;

import java.net.InetAddress;
import java.time.Clock;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.mailer.testsupport.azure.AzureIdentityServer;
import no.nav.security.mock.oauth2.MockOAuth2Server;

/**
 * test-support's {@link AzureIdentityServer} (Azure's identity endpoints on loopback) as a JUnit 5
 * extension, stopped after each test, whose tokens are JWTs that a real OAuth2 server
 * (mock-oauth2-server, issuer {@link #issuer()}) signs, so that the test SMTP server's XOAUTH2 can
 * introspect them there.
 */
final class AzureTestServer extends AzureIdentityServer implements AfterEachCallback {

    private static final String ISSUER = "azure";
    private static final String AUDIENCE = "https://communication.azure.com/";

    private final MockOAuth2Server signer;

    /** Starts both servers on loopback; a test makes it in a field initializer, hence no checked exception. */
    AzureTestServer(Clock clock) {
        this(clock, started(new MockOAuth2Server()));
    }

    private AzureTestServer(Clock clock, MockOAuth2Server signer) {
        super(clock, (subject, resource, seconds) -> jwt(signer, subject, seconds));
        this.signer = signer;
    }

    /** The issuer of the tokens, where the SMTP server introspects them. */
    String issuer() {
        return signer.issuerUrl(ISSUER).toString();
    }

    /** A JWT of the real server, valid for {@code seconds} (negative: expired that long ago). */
    String jwt(String subject, long seconds) {
        return jwt(signer, subject, seconds);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        super.close();
        signer.shutdown();
    }

    private static String jwt(MockOAuth2Server signer, String subject, long seconds) {
        return signer.issueToken(ISSUER, subject, AUDIENCE, Map.of(), seconds).serialize();
    }

    private static MockOAuth2Server started(MockOAuth2Server server) {
        server.start(InetAddress.getLoopbackAddress(), 0);
        return server;
    }
}
