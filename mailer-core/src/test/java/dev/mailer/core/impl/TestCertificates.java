package dev.mailer.core.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Throw-away certificates for the TLS tests, made by the JDK's {@code keytool} run as a child
 * process (no libraries, no downloads). Everything lives in one directory:
 * <ul>
 * <li>a test CA, and {@code trust.p12} with only that CA;</li>
 * <li>{@code localhost.p12}: a CA-signed certificate for {@code dns:localhost, ip:127.0.0.1};</li>
 * <li>{@code otherhost.p12}: a CA-signed certificate whose only SAN is {@code dns:mail.example.invalid}
 * (CN=localhost, which is ignored when a SAN is present);</li>
 * <li>{@code selfsigned.p12}: a self-signed {@code localhost} certificate, and
 * {@code selfsigned-trust.p12} that trusts just that one (a truststore without the test CA).</li>
 * </ul>
 */
final class TestCertificates {

    static final String PASSWORD = "test-only-" + Long.toHexString(System.nanoTime());

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    static TestCertificates create(Path dir) throws IOException {
        keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=mailer-core test CA", "-ext", "bc:c=ca:true,pathlen:0", "-ext", "ku:c=keyCertSign,cRLSign",
                "-validity", "2", "-keystore", "ca.p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool(dir, "-exportcert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASSWORD, "-rfc", "-file", "ca.pem");
        keytool(dir, "-importcert", "-alias", "ca", "-file", "ca.pem", "-keystore", "trust.p12", "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-noprompt");
        caSigned(dir, "localhost", "san=dns:localhost,ip:127.0.0.1");
        caSigned(dir, "otherhost", "san=dns:mail.example.invalid");
        keytool(dir, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost, O=self-signed", "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-keystore", "selfsigned.p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool(dir, "-exportcert", "-alias", "server", "-keystore", "selfsigned.p12", "-storepass", PASSWORD,
                "-rfc", "-file", "selfsigned.pem");
        keytool(dir, "-importcert", "-alias", "selfsigned", "-file", "selfsigned.pem", "-keystore", "selfsigned-trust.p12",
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-noprompt");
        return new TestCertificates(dir);
    }

    /** A key of its own in {@code name.p12}, certified by the CA with the given SAN extension; the chain includes the CA. */
    private static void caSigned(Path dir, String name, String san) throws IOException {
        String keystore = name + ".p12";
        keytool(dir, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost, O=" + name, "-validity", "2", "-keystore", keystore, "-storetype", "PKCS12",
                "-storepass", PASSWORD);
        keytool(dir, "-certreq", "-alias", "server", "-keystore", keystore, "-storepass", PASSWORD, "-file", name + ".csr");
        keytool(dir, "-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASSWORD, "-infile", name + ".csr",
                "-outfile", name + ".pem", "-rfc", "-validity", "2", "-ext", san, "-ext", "ku:c=digitalSignature",
                "-ext", "eku=serverAuth");
        keytool(dir, "-importcert", "-alias", "ca", "-file", "ca.pem", "-keystore", keystore, "-storepass", PASSWORD, "-noprompt");
        keytool(dir, "-importcert", "-alias", "server", "-file", name + ".pem", "-keystore", keystore, "-storepass", PASSWORD);
    }

    /** PKCS12 holding only the test CA: what smtp.truststore.path names. */
    Path caTruststore() {
        return dir.resolve("trust.p12");
    }

    /** PKCS12 trusting only the self-signed certificate, not the test CA. */
    Path unrelatedTruststore() {
        return dir.resolve("selfsigned-trust.p12");
    }

    SSLContext localhostServer() throws IOException, GeneralSecurityException {
        return serverContext("localhost.p12");
    }

    SSLContext otherHostServer() throws IOException, GeneralSecurityException {
        return serverContext("otherhost.p12");
    }

    SSLContext selfSignedServer() throws IOException, GeneralSecurityException {
        return serverContext("selfsigned.p12");
    }

    /** A client context that trusts the test CA, to stand in for the JVM's default truststore. */
    SSLContext clientTrustingCa() throws IOException, GeneralSecurityException {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load(caTruststore()));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private SSLContext serverContext(String keystore) throws IOException, GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(dir.resolve(keystore)), PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private static void keytool(Path dir, String... args) throws IOException {
        boolean windows = System.getProperty("os.name").toLowerCase().contains("win");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", windows ? "keytool.exe" : "keytool");
        List<String> command = new ArrayList<>();
        command.add(keytool.toString());
        command.add("-J-Duser.language=en");
        command.addAll(Arrays.asList(args));
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
            throw new IOException("keytool " + String.join(" ", args) + " failed (exit " + process.exitValue() + "): "
                    + new String(output, StandardCharsets.UTF_8));
        }
    }
}
