package dev.mailer.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.After;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import dev.mailer.it.support.LauncherProcess;
import dev.mailer.testsupport.pki.TestPki;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * {@code java -jar mailer.jar trust --save FILE}: against a STARTTLS server of a private CA that
 * nothing trusts yet, it prints the chain and writes the CA as PEM, which {@code send} then trusts
 * with SMTP_TRUSTSTORE_TYPE=PEM; answered "n", it writes nothing. Loopback only.
 */
public class LauncherTrustIT {

    private static final Duration RUN_DEADLINE = Duration.ofSeconds(45);
    private static final String USER = "workflow";

    @ClassRule
    public static final TemporaryFolder CLASS_DIR = new TemporaryFolder();

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private static TestPki pki;

    private TestSmtpServer smtp;
    private Path workDir;
    private Map<String, String> env;

    @BeforeClass
    public static void makePki() throws Exception {
        LauncherProcess.jar(); // fails at once, saying how to build it, when the jar is missing
        pki = TestPki.generate(CLASS_DIR.newFolder("pki").toPath());
    }

    @Before
    public void startServer() throws Exception {
        String password = TestPki.randomPassword();
        smtp = TestSmtpServer.builder().port(0).startTls(pki.trustedServerContext()).credentials(USER, password).start();
        Path base = temp.getRoot().toPath();
        workDir = Files.createDirectory(base.resolve("cwd"));
        Path secrets = Files.createDirectory(base.resolve("secrets"));
        Files.writeString(secrets.resolve("smtp_password"), password);
        env = new LinkedHashMap<>();
        env.put("SMTP_HOST", "localhost");
        env.put("SMTP_PORT", String.valueOf(smtp.port()));
        env.put("SMTP_USER", USER);
        env.put("SMTP_FROM", "workflow@example.com");
        env.put("SMTP_TIMEOUT_CONNECT", "5000");
        env.put("SMTP_TIMEOUT_READ", "10000");
        env.put("MAILER_SECRETS_DIR", secrets.toString());
        env.put("MAILER_DATA_DIR", base.resolve("mailer-data").toString());
    }

    @After
    public void stopServer() {
        if (smtp != null) {
            smtp.close();
        }
    }

    @Test
    public void trustSaveWithYesWritesTheCaThatSendThenTrustsAsPem() throws Exception {
        Path ca = workDir.resolve("ca.pem");

        LauncherProcess.Result trust = launch(env, null, "trust", "--save", "ca.pem", "--yes");

        assertEquals(trust.toString(), 0, trust.exit());
        assertTrue(trust.stdout(), trust.stdout().contains("subject     CN=Mailer Test CA,O=dev.mailer"));
        assertTrue(trust.stdout(), trust.stdout().contains("SHA-256     "));
        assertEquals(certificate(pki.caPem()), certificate(ca));
        assertEquals("trust logs in to nothing and sends nothing", 0, smtp.count("AUTH") + smtp.count("MAIL"));

        Map<String, String> trusting = new LinkedHashMap<>(env);
        trusting.put("SMTP_TRUSTSTORE_PATH", ca.toString());
        trusting.put("SMTP_TRUSTSTORE_TYPE", "PEM");
        LauncherProcess.Result send = launch(trusting, null, "send", "--to", "jane@example.com", "--subject", "Trusted by PEM",
                "--text", "hello");

        assertEquals(send.toString(), 0, send.exit());
        assertEquals(1, smtp.awaitMessages(1, Duration.ofSeconds(10)).size());
    }

    @Test
    public void answeringNoWritesNothing() throws Exception {
        Path answer = Files.writeString(temp.getRoot().toPath().resolve("answer.txt"), "n\n", StandardCharsets.US_ASCII);

        LauncherProcess.Result trust = launch(env, answer, "trust", "--save", "ca.pem");

        assertTrue(trust.stdout(), trust.stdout().contains("Save the issuing CA CN=Mailer Test CA,O=dev.mailer"));
        assertTrue(trust.stdout(), trust.stdout().contains("Nothing saved."));
        assertEquals(trust.toString(), 1, trust.exit());
        assertFalse(Files.exists(workDir.resolve("ca.pem")));
    }

    private LauncherProcess.Result launch(Map<String, String> environment, Path stdin, String... args) throws Exception {
        LauncherProcess.Result result = LauncherProcess.start(workDir, environment, temp.getRoot().toPath().resolve("output"), stdin, args)
                .await(RUN_DEADLINE);
        System.out.println("[launcher " + String.join(" ", args) + "] exit " + result.exit() + "\n" + result.stdout() + result.stderr());
        return result;
    }

    private static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
