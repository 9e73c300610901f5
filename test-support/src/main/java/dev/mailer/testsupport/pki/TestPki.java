package dev.mailer.testsupport.pki;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away PKI for the tests, made with the JDK's own {@code keytool} (no downloads, no
 * extra libraries):
 * <ul>
 * <li>a test CA;</li>
 * <li>{@code server.p12}: a key and certificate for {@code localhost} and {@code IP:127.0.0.1},
 * signed by the CA, with the chain: what the TLS servers present;</li>
 * <li>{@code truststore.p12}: just the CA certificate: what {@code smtp.truststore.path} names;</li>
 * <li>{@code untrusted.p12}: a self-signed certificate for the same names that nothing but
 * {@code unrelated-truststore.p12} trusts;</li>
 * <li>{@code otherhost.p12}: the server key with a CA-signed certificate for {@code mail.example.invalid}
 * only (its subject alternative name; the CN stays localhost, which RFC 6125 clients ignore when
 * there is a SAN; {@code O=other host} tells it apart): trusted, but for another host;</li>
 * <li>{@code unrelated-truststore.p12}: trusts just the self-signed certificate, not the CA: a truststore
 * that does not fit the server; {@code unrelated.pem} is the same certificate as PEM;</li>
 * <li>{@code ca.crt}: the CA certificate as PEM ({@code smtp.truststore.type=PEM});</li>
 * <li>{@code client.p12}: a key and CA-signed certificate for a TLS client ({@code CN=mailer client},
 * extended key usage clientAuth) with the chain, password {@link #keystorePassword()};
 * {@code client.pem} the same as an unencrypted PKCS#8 key followed by the chain.</li>
 * </ul>
 * Passwords are random and kept in {@code pki.properties} next to the files. Short-lived (7 days).
 * <p>
 * Making one runs {@code keytool} a dozen times (seconds): a test class makes one in
 * {@code @BeforeAll}, or shares the one of the JVM ({@link #shared()}).
 */
public final class TestPki {

    private static final String PROPERTIES = "pki.properties";
    private static final String UNRELATED = "unrelated-truststore.p12";
    private static final String UNRELATED_PEM = "unrelated.pem";

    private final Path dir;
    private final String keystorePassword;
    private final String truststorePassword;

    private TestPki(Path dir, String keystorePassword, String truststorePassword) {
        this.dir = dir;
        this.keystorePassword = keystorePassword;
        this.truststorePassword = truststorePassword;
    }

    /** Creates a fresh PKI in {@code dir}, replacing whatever was there. */
    public static TestPki generate(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String name : new String[] {"ca.p12", "server.p12", "server.csr", "server.crt", "ca.crt", "truststore.p12", "untrusted.p12", "otherhost.crt", "otherhost.p12", UNRELATED, UNRELATED_PEM,
            "client.p12", "client.csr", "client.crt", "client.pem", PROPERTIES}) {
            Files.deleteIfExists(dir.resolve(name));
        }
        String caPassword = randomPassword();
        String keyPassword = randomPassword();
        String trustPassword = randomPassword();

        keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=Mailer Test CA, O=dev.mailer", "-ext", "bc:c=ca:true,pathlen:0",
                "-ext", "ku:c=keyCertSign,cRLSign", "-validity", "7",
                "-keystore", "ca.p12", "-storetype", "PKCS12", "-storepass", caPassword);
        keytool(dir, "-exportcert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", caPassword, "-rfc", "-file", "ca.crt");

        keytool(dir, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost, O=dev.mailer", "-validity", "7",
                "-keystore", "server.p12", "-storetype", "PKCS12", "-storepass", keyPassword);
        keytool(dir, "-certreq", "-alias", "server", "-keystore", "server.p12", "-storepass", keyPassword, "-file", "server.csr");
        keytool(dir, "-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", caPassword,
                "-infile", "server.csr", "-outfile", "server.crt", "-rfc", "-validity", "7",
                "-ext", "san=dns:localhost,ip:127.0.0.1", "-ext", "ku:c=digitalSignature", "-ext", "eku=serverAuth");
        keytool(dir, "-importcert", "-alias", "ca", "-file", "ca.crt", "-keystore", "server.p12", "-storepass", keyPassword, "-noprompt");
        keytool(dir, "-importcert", "-alias", "server", "-file", "server.crt", "-keystore", "server.p12", "-storepass", keyPassword);

        // the same key, certified by the CA for another host only: for the host-name check
        keytool(dir, "-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", caPassword,
                "-infile", "server.csr", "-outfile", "otherhost.crt", "-rfc", "-validity", "7", "-dname", "CN=localhost, O=other host",
                "-ext", "san=dns:mail.example.invalid", "-ext", "ku:c=digitalSignature", "-ext", "eku=serverAuth");
        Files.copy(dir.resolve("server.p12"), dir.resolve("otherhost.p12"));
        keytool(dir, "-importcert", "-alias", "server", "-file", "otherhost.crt", "-keystore", "otherhost.p12", "-storepass", keyPassword);

        keytool(dir, "-importcert", "-alias", "mailer-it-ca", "-file", "ca.crt", "-keystore", "truststore.p12",
                "-storetype", "PKCS12", "-storepass", trustPassword, "-noprompt");

        keytool(dir, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost, O=untrusted", "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "7",
                "-keystore", "untrusted.p12", "-storetype", "PKCS12", "-storepass", keyPassword);
        trustOnly(dir.resolve("untrusted.p12"), keyPassword, dir.resolve(UNRELATED), trustPassword);
        keytool(dir, "-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=mailer client, O=dev.mailer", "-validity", "7",
                "-keystore", "client.p12", "-storetype", "PKCS12", "-storepass", keyPassword);
        keytool(dir, "-certreq", "-alias", "client", "-keystore", "client.p12", "-storepass", keyPassword, "-file", "client.csr");
        keytool(dir, "-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", caPassword,
                "-infile", "client.csr", "-outfile", "client.crt", "-rfc", "-validity", "7",
                "-ext", "ku:c=digitalSignature", "-ext", "eku=clientAuth");
        keytool(dir, "-importcert", "-alias", "ca", "-file", "ca.crt", "-keystore", "client.p12", "-storepass", keyPassword, "-noprompt");
        keytool(dir, "-importcert", "-alias", "client", "-file", "client.crt", "-keystore", "client.p12", "-storepass", keyPassword);
        writeKeyAndChain(dir.resolve("client.p12"), keyPassword, dir.resolve("client.pem"));
        Files.writeString(dir.resolve(UNRELATED_PEM), pem(certificate(dir.resolve("untrusted.p12"), keyPassword)), StandardCharsets.US_ASCII);

        Properties properties = new Properties();
        properties.setProperty("keystore.password", keyPassword);
        properties.setProperty("truststore.password", trustPassword);
        try (OutputStream out = Files.newOutputStream(dir.resolve(PROPERTIES))) {
            properties.store(out, "passwords of the test PKI");
        }
        return new TestPki(dir, keyPassword, trustPassword);
    }

    /** The PKI that {@link #generate(Path)} made in {@code dir}. */
    public static TestPki load(Path dir) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(PROPERTIES))) {
            properties.load(in);
        }
        return new TestPki(dir, properties.getProperty("keystore.password"), properties.getProperty("truststore.password"));
    }

    /** PKCS12 with the CA-signed {@code localhost} key and chain. */
    public Path serverKeystore() {
        return dir.resolve("server.p12");
    }

    /** The PKI of this JVM: made on first use in a temporary directory that is deleted when the JVM exits. */
    public static TestPki shared() throws IOException {
        return Shared.pki();
    }

    /** PKCS12 with a self-signed {@code localhost} key nobody trusts. */
    public Path untrustedKeystore() {
        return dir.resolve("untrusted.p12");
    }

    /** PKCS12 with only the test CA certificate. */
    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    /** PEM file with only the test CA certificate: {@link #truststore()} for {@code smtp.truststore.type=PEM}. */
    public Path caPem() {
        return dir.resolve("ca.crt");
    }

    /** PEM file with only the self-signed certificate of {@link #untrustedKeystore()}: another CA than the servers'. */
    public Path unrelatedPem() {
        return dir.resolve(UNRELATED_PEM);
    }

    /** PKCS12 with only the self-signed certificate of {@link #untrustedKeystore()}, not the CA; its password is {@link #truststorePassword()}. */
    public Path unrelatedTruststore() {
        return dir.resolve(UNRELATED);
    }

    /** Password of both server keystores and their keys. */
    public String keystorePassword() {
        return keystorePassword;
    }

    public String truststorePassword() {
        return truststorePassword;
    }

    /** TLS server context presenting the CA-signed certificate. */
    public SSLContext trustedServerContext() throws IOException, GeneralSecurityException {
        return serverContext(serverKeystore());
    }

    /** TLS server context presenting a CA-signed certificate for another host name. */
    public SSLContext otherHostServerContext() throws IOException, GeneralSecurityException {
        return serverContext(dir.resolve("otherhost.p12"));
    }

    /** TLS server context presenting the self-signed certificate. */
    public SSLContext untrustedServerContext() throws IOException, GeneralSecurityException {
        return serverContext(untrustedKeystore());
    }

    /** TLS client context that trusts the test CA only: a client of the test servers, or a stand-in for the JVM's default trust. */
    public SSLContext clientContext() throws IOException, GeneralSecurityException {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load(truststore(), truststorePassword));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private SSLContext serverContext(Path keystore) throws IOException, GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(keystore, keystorePassword), keystorePassword.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private static KeyStore load(Path file, String password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    /** PKCS12 with the CA-signed client key and chain; password {@link #keystorePassword()}. */
    public Path clientKeystore() {
        return dir.resolve("client.p12");
    }

    /** PEM file with the client's unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY}) and then its chain, leaf first. */
    public Path clientPem() {
        return dir.resolve("client.pem");
    }

    /** TLS server context presenting the CA-signed certificate and trusting client certificates of the test CA only. */
    public SSLContext clientAuthServerContext() throws IOException, GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(serverKeystore(), keystorePassword), keystorePassword.toCharArray());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load(truststore(), truststorePassword));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    /** Writes the {@code client} key of {@code keystore} as unencrypted PKCS#8 PEM, then its chain. */
    private static void writeKeyAndChain(Path keystore, String password, Path pem) throws IOException {
        try {
            KeyStore store = load(keystore, password);
            StringBuilder text = new StringBuilder("-----BEGIN PRIVATE KEY-----\n")
                    .append(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(store.getKey("client", password.toCharArray()).getEncoded()))
                    .append("\n-----END PRIVATE KEY-----\n");
            for (Certificate certificate : store.getCertificateChain("client")) {
                text.append(pem(certificate));
            }
            Files.writeString(pem, text, StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write " + pem + ": " + e, e);
        }
    }

    /** {@code certificate} as a PEM block (RFC 7468). */
    public static String pem(Certificate certificate) throws IOException {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encode " + certificate.getType() + " certificate: " + e, e);
        }
    }

    private static Certificate certificate(Path keystore, String password) throws IOException {
        try {
            return load(keystore, password).getCertificate("server");
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read " + keystore + ": " + e, e);
        }
    }

    /** Writes a truststore with just the certificate of the {@code server} entry of {@code keystore} (no keytool run: fast). */
    private static void trustOnly(Path keystore, String keystorePassword, Path truststore, String truststorePassword)
            throws IOException {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("server", load(keystore, keystorePassword).getCertificate("server"));
            try (OutputStream out = Files.newOutputStream(truststore)) {
                trusted.store(out, truststorePassword.toCharArray());
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write " + truststore + ": " + e, e);
        }
    }

    /** 24 random URL-safe characters: never found by accident in a log. */
    public static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void keytool(Path dir, String... args) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin",
                System.getProperty("os.name").toLowerCase().contains("win") ? "keytool.exe" : "keytool");
        List<String> command = new ArrayList<>();
        command.add(keytool.toString());
        command.add("-J-Duser.language=en");
        for (String arg : args) {
            command.add(arg);
        }
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool " + args[0] + " did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for keytool", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed (exit " + process.exitValue() + "): "
                    + new String(output, StandardCharsets.UTF_8));
        }
    }

    /** Holds the PKI of {@link #shared()}; made once, whichever thread asks first. */
    private static final class Shared {
        private static TestPki pki;

        static synchronized TestPki pki() throws IOException {
            if (pki == null) {
                Path dir = Files.createTempDirectory("test-pki");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir), "test-pki-cleanup"));
                pki = generate(dir);
            }
            return pki;
        }

        private static void deleteQuietly(Path dir) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            } catch (IOException e) {
                // a temporary directory: the OS cleans up what is left
            }
        }
    }
}
