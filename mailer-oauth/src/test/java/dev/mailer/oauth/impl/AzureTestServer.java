package dev.mailer.oauth.impl;

import java.time.Clock;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.mailer.testsupport.azure.AzureIdentityServer;
import dev.mailer.testsupport.oauth.LoopbackOAuth2Server;

/**
 * test-support's {@link AzureIdentityServer} (Azure's identity endpoints on loopback) as a JUnit 5
 * extension, stopped after each test, whose tokens are JWTs that a real OAuth2 server
 * (mock-oauth2-server, started by test-support's {@link LoopbackOAuth2Server}; issuer
 * {@link #issuer()}) signs, so that the test SMTP server's XOAUTH2 can introspect them there.
 */
final class AzureTestServer extends AzureIdentityServer implements AfterEachCallback {

    private static final String ISSUER = "azure";
    private static final String AUDIENCE = "https://communication.azure.com/";

    private final LoopbackOAuth2Server signer;

    /** Starts both servers on loopback; a test makes it in a field initializer, hence no checked exception. */
    AzureTestServer(Clock clock) {
        this(clock, LoopbackOAuth2Server.start());
    }

    private AzureTestServer(Clock clock, LoopbackOAuth2Server signer) {
        super(clock, (subject, resource, seconds) -> jwt(signer, subject, seconds));
        this.signer = signer;
    }

    /** The issuer of the tokens, where the SMTP server introspects them. */
    String issuer() {
        return signer.server().issuerUrl(ISSUER).toString();
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
        signer.close();
    }

    private static String jwt(LoopbackOAuth2Server signer, String subject, long seconds) {
        return signer.server().issueToken(ISSUER, subject, AUDIENCE, Map.of(), seconds).serialize();
    }
}
