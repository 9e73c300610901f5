package dev.mailer.core.impl;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.mailer.testsupport.pki.TestPki;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * What the TLS tests of this module share: the test PKI of the JVM ({@link TestPki#shared()}: keytool
 * runs once for all test classes), at most one {@link TestSmtpServer} per test that logs in
 * {@link #USER} with {@link #PASSWORD}, closed after the test, and the settings of a mail service for
 * that server. Use as a static {@code @RegisterExtension} field.
 */
final class TlsServerExtension implements AfterEachCallback {

    /** How the server speaks TLS. */
    enum Mode {
        /** From the first byte (smtp.ssl=true). */
        SMTPS,
        /** After STARTTLS (smtp.starttls=true). */
        STARTTLS
    }

    static final String USER = "workflow";
    static final String PASSWORD = "s3cret-Pa55";

    private TestSmtpServer server;

    @Override
    public void afterEach(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    TestPki pki() throws IOException {
        return TestPki.shared();
    }

    /** Starts this test's server with the key and certificate of {@code tls}. */
    TestSmtpServer start(Mode mode, SSLContext tls) throws IOException {
        return start(mode, tls, UnaryOperator.identity());
    }

    /** Starts this test's server with the key and certificate of {@code tls}, as {@code configure} changes it. */
    TestSmtpServer start(Mode mode, SSLContext tls, UnaryOperator<TestSmtpServer.Builder> configure) throws IOException {
        TestSmtpServer.Builder builder = TestSmtpServer.builder().credentials(USER, PASSWORD);
        server = configure.apply(mode == Mode.SMTPS ? builder.implicitTls(tls) : builder.startTls(tls)).start();
        return server;
    }

    /**
     * Settings for this test's server at {@code localhost}, TLS required, password login; trusting
     * {@code truststore} (a truststore of {@link #pki()}), or the JVM's default trust when it is null.
     */
    Map<String, Object> config(Mode mode, Path truststore) throws IOException {
        Map<String, Object> config = new HashMap<>();
        config.put("smtp.host", "localhost");
        config.put("smtp.port", server.port());
        config.put("smtp.ssl", mode == Mode.SMTPS);
        config.put("smtp.starttls", mode == Mode.STARTTLS);
        config.put("smtp.requiretls", true);
        config.put("smtp.user", USER);
        config.put("smtp.password", PASSWORD);
        config.put("from.address", "workflow@example.com");
        config.put("smtp.timeout.connect", 10_000);
        config.put("smtp.timeout.read", 10_000);
        config.put("smtp.timeout.write", 10_000);
        if (truststore != null) {
            config.put("smtp.truststore.path", truststore.toString());
            config.put("smtp.truststore.type", "PKCS12");
            config.put("smtp.truststore.password", pki().truststorePassword());
        }
        return config;
    }
}
