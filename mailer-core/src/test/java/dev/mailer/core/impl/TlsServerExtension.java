package dev.mailer.core.impl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the TLS tests of this module share: a throw-away PKI for the test class
 * ({@link TestCertificates}), at most one {@link MiniSmtpServer} per test, closed after it, and the
 * settings of a mail service that logs in to that server as {@code workflow} with {@link #PASSWORD}.
 * Use as a static {@code @RegisterExtension} field.
 */
final class TlsServerExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    /** How the server speaks TLS. */
    enum Mode {
        /** From the first byte (smtp.ssl=true). */
        SMTPS,
        /** After STARTTLS (smtp.starttls=true). */
        STARTTLS
    }

    static final String PASSWORD = "s3cret-Pa55";

    private Path dir;
    private TestCertificates pki;
    private MiniSmtpServer server;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("mailer-core-pki");
        pki = TestCertificates.create(dir);
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(file);
            }
        }
    }

    TestCertificates pki() {
        return pki;
    }

    /** Starts this test's server with the key and certificate of {@code tls}. */
    MiniSmtpServer start(Mode mode, SSLContext tls) throws IOException {
        server = mode == Mode.SMTPS ? MiniSmtpServer.smtps(tls) : MiniSmtpServer.startTls(tls);
        return server;
    }

    /**
     * Settings for this test's server at {@code localhost}, TLS required, password login; trusting
     * {@code truststore}, or the JVM's default trust when it is null.
     */
    Map<String, Object> config(Mode mode, Path truststore) {
        Map<String, Object> config = new HashMap<>();
        config.put("smtp.host", "localhost");
        config.put("smtp.port", server.port());
        config.put("smtp.ssl", mode == Mode.SMTPS);
        config.put("smtp.starttls", mode == Mode.STARTTLS);
        config.put("smtp.requiretls", true);
        config.put("smtp.user", "workflow");
        config.put("smtp.password", PASSWORD);
        config.put("from.address", "workflow@example.com");
        config.put("smtp.timeout.connect", 10_000);
        config.put("smtp.timeout.read", 10_000);
        config.put("smtp.timeout.write", 10_000);
        if (truststore != null) {
            config.put("smtp.truststore.path", truststore.toString());
            config.put("smtp.truststore.type", "PKCS12");
            config.put("smtp.truststore.password", TestCertificates.PASSWORD);
        }
        return config;
    }
}
