package dev.mailer.feature.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Jar;
import dev.mailer.api.MailService;
import dev.mailer.feature.it.probe.SendOneMail;
import dev.mailer.testsupport.oauth.LoopbackOAuth2Server;
import dev.mailer.testsupport.pki.TestPki;
import dev.mailer.testsupport.smtp.TestSmtpServer;
import dev.mailer.testsupport.smtp.TestSmtpServer.ReceivedMessage;
import dev.mailer.testsupport.smtp.Xoauth2Mechanism;
import dev.mailer.testsupport.smtp.Xoauth2Mechanism.Attempt;

/**
 * The feature as a Sling application runs it: the Sling Feature Launcher (Apache's distribution, a
 * child process with the JDK of this test) launches the analysed aggregate (the mailer on the Sling
 * platform stand-in) and the feature of the {@code office365-app} profile's token provider from the
 * repository the build made, plus a feature of this test: a probe bundle that sends one mail.
 * Everything else is configured as a user does it: environment variables and secret files, read by
 * ConfigAdmin's interpolation plugin from the feature's {@code $[env:]}/{@code $[secret:]} values.
 *
 * <p>The servers run in this JVM on 127.0.0.1: mock-oauth2-server (client credentials, tokens of the
 * application) and {@link TestSmtpServer} with STARTTLS (a certificate of a test CA, trusted by the
 * child through {@code SMTP_TRUSTSTORE_PATH}) that takes only XOAUTH2 and introspects each token at
 * the OAuth2 server. The launcher reads artifacts from the build's folder only: it downloads nothing.
 */
class SlingFeatureLaunchIT {

    private static final Duration LAUNCH_DEADLINE = Duration.ofSeconds(60);
    private static final Duration SERVER_DEADLINE = Duration.ofSeconds(10);
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(20);

    private static final String ISSUER = "sling-it-tenant";
    private static final String CLIENT_ID = "sling-it-app";
    private static final String MAILBOX = "workflow@example.org";
    private static final String RECIPIENT = "jane@example.com";
    private static final String SUBJECT = "Hello from the Sling feature";
    private static final String PROBE_ID = "dev.mailer.test:mailer-feature-probe:1.0.0";

    @TempDir
    Path temp;

    private LoopbackOAuth2Server oauth;
    private Xoauth2Mechanism xoauth2;
    private TestSmtpServer smtp;
    private TestPki pki;
    private String clientSecret;
    private Process launcher;

    @BeforeEach
    void startServers() throws Exception {
        // app-only tokens (client credentials) are the application's: sub = its client ID
        oauth = LoopbackOAuth2Server.start("{\"tokenCallbacks\": [{\"issuerId\": \"" + ISSUER
                + "\", \"tokenExpiry\": 3600, \"requestMappings\": [{\"requestParam\": \"grant_type\", \"match\": \"*\","
                + " \"claims\": {\"sub\": \"${clientId}\", \"aud\": \"https://outlook.office365.com\"}}]}]}");
        String oauthBase = oauth.baseUrl();
        // the application was granted the mailbox (Exchange's Add-MailboxPermission)
        xoauth2 = new Xoauth2Mechanism(oauthBase + "/", "https://outlook.office365.com/.default").grant(CLIENT_ID, MAILBOX);
        long pkiStart = System.nanoTime();
        pki = TestPki.generate(Files.createDirectory(temp.resolve("pki")));
        System.out.println("[sling feature launch] test PKI made in " + Duration.ofNanos(System.nanoTime() - pkiStart).toMillis() + " ms");
        smtp = TestSmtpServer.builder().port(0).startTls(pki.trustedServerContext()).authRequiresTls(true)
                .authenticateOnlyWith(xoauth2).maxCommandLineLength(1000).start();
        clientSecret = TestPki.randomPassword();
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        if (launcher != null && launcher.isAlive()) {
            launcher.destroyForcibly().waitFor(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
        if (smtp != null) {
            smtp.close();
        }
        if (oauth != null) {
            oauth.close();
        }
    }

    @Test
    void theFeatureLaunchedWithTheSlingFeatureLauncherDeliversOneMailOverStartTlsWithXoauth2() throws Exception {
        Path secrets = Files.createDirectory(temp.resolve("secrets"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        writeSecret(secrets, "oauth_client_secret", clientSecret);
        writeSecret(secrets, "smtp_truststore_password", pki.truststorePassword());
        Path probeRepository = Files.createDirectory(temp.resolve("probe-repository"));
        buildProbeBundle(probeRepository);
        Path testFeature = writeTestFeature(temp.resolve("launch-test.slingosgifeature"));

        Map<String, String> env = new LinkedHashMap<>();
        env.put("SMTP_HOST", "localhost"); // a name of the server certificate, checked by the mail service
        env.put("SMTP_PORT", String.valueOf(smtp.port()));
        env.put("SMTP_USER", MAILBOX);
        env.put("SMTP_FROM", MAILBOX);
        env.put("SMTP_OAUTH", "true");
        env.put("SMTP_TRUSTSTORE_PATH", pki.truststore().toString());
        env.put("SMTP_TIMEOUT_CONNECT", "5000");
        env.put("OAUTH_CLIENT_ID", CLIENT_ID);
        env.put("OAUTH_TENANT_ID", ISSUER);
        env.put("OAUTH_TOKEN_URL", oauth.tokenUrl(ISSUER));

        Path repository = Path.of(System.getProperty("mailer.feature.repository"));
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-cp", launcherHome().resolve("lib") + "/*",
                "org.apache.sling.feature.launcher.impl.Main",
                "-f", repository.resolve(System.getProperty("mailer.feature.path")).toString(),
                "-f", repository.resolve(System.getProperty("mailer.feature.oauth.path")).toString(),
                "-f", testFeature.toString(),
                // only the build's artifacts and the probe: nothing is downloaded, no stale SNAPSHOT of ~/.m2 is used
                "-u", repository.toUri() + "," + probeRepository.toUri(),
                "-fv", System.getProperty("mailer.feature.framework.version"),
                "-c", temp.resolve("cache").toString(),
                "-p", temp.resolve("home").toString(),
                "-V", "mailer.secrets.dir=" + secrets));
        Path stdout = temp.resolve("stdout.txt");
        Path stderr = temp.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(Files.createDirectory(temp.resolve("cwd")).toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        // nothing of the build's environment (SMTP_*, OAUTH_*, JAVA_TOOL_OPTIONS, ...): only what the test sets
        builder.environment().keySet().retainAll(List.of("PATH", "HOME", "LANG", "LC_ALL", "TZ"));
        builder.environment().putAll(env);
        long started = System.nanoTime();
        launcher = builder.start();
        launcher.getOutputStream().close();

        String outcome = awaitProbeLine(stdout, stderr);
        long launchedMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        System.out.println("[sling feature launch] " + outcome + " after " + launchedMillis + " ms");
        assertTrue(outcome.startsWith(SendOneMail.SENT), () -> outcome + "; " + output(stdout, stderr));

        List<ReceivedMessage> messages = smtp.awaitMessages(1, SERVER_DEADLINE);
        assertEquals(1, messages.size(), "one mail delivered");
        ReceivedMessage message = messages.get(0);
        assertTrue(message.tls(), "delivered after STARTTLS");
        assertEquals(MAILBOX, message.authenticatedUser(), "logged in as the mailbox");
        assertEquals(MAILBOX, message.mailFrom());
        assertEquals(List.of(RECIPIENT), message.recipients());
        assertTrue(new String(message.data(), StandardCharsets.UTF_8).contains("Subject: " + SUBJECT));

        List<Attempt> attempts = xoauth2.attempts();
        assertEquals(1, attempts.size(), () -> "one XOAUTH2 login: " + attempts);
        Attempt attempt = attempts.get(0);
        assertNull(attempt.refusal(), () -> "the token was accepted: " + attempt);
        assertEquals(MAILBOX, attempt.user());
        assertTrue(attempt.twoStep(), "the token went on a line of its own, after the server's 334");

        String output = output(stdout, stderr);
        assertTrue(output.contains(" 0 downloaded artifacts"), () -> "the launcher downloaded nothing; " + output);
        for (String secret : List.of(clientSecret, pki.truststorePassword(), attempt.token())) {
            assertFalse(output.contains(secret), "the launcher's output shows no client secret, password or token");
        }

        long stopping = System.nanoTime();
        launcher.destroy(); // SIGTERM: the launcher stops the framework
        assertTrue(launcher.waitFor(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS), "the launcher stops");
        System.out.println("[sling feature launch] stopped in " + Duration.ofNanos(System.nanoTime() - stopping).toMillis() + " ms");
    }

    /** The probe as a bundle (bnd, with its DS component), in a Maven-layout folder the launcher reads. */
    private static void buildProbeBundle(Path repository) throws Exception {
        String[] id = PROBE_ID.split(":");
        Path jarFile = Files.createDirectories(repository.resolve(id[0].replace('.', '/')).resolve(id[1]).resolve(id[2]))
                .resolve(id[1] + "-" + id[2] + ".jar");
        try (Builder bnd = new Builder()) {
            bnd.setProperty("Bundle-SymbolicName", id[0] + "." + id[1]);
            bnd.setProperty("Bundle-Version", id[2]);
            bnd.setProperty("Private-Package", SendOneMail.class.getPackageName());
            bnd.addClasspath(codeSource(SendOneMail.class));
            bnd.addClasspath(codeSource(MailService.class)); // for the version range of the import
            Jar jar = bnd.build();
            assertTrue(bnd.getErrors().isEmpty(), () -> "bnd: " + bnd.getErrors());
            jar.write(jarFile.toFile());
        }
    }

    /** The test's feature: the probe and its configuration, and no HTTP port. */
    private static Path writeTestFeature(Path file) throws IOException {
        String json = "{\n"
                + "  \"id\": \"dev.mailer.test:mailer-feature-launch-test:slingosgifeature:1.0.0\",\n"
                // the HTTP Whiteboard (for the sign-in servlets) without a listener: the test opens no port of its own
                + "  \"framework-properties\": { \"org.apache.felix.http.enable\": \"false\","
                + " \"org.apache.felix.http.host\": \"127.0.0.1\" },\n"
                + "  \"bundles\": [ { \"id\": \"" + PROBE_ID + "\" } ],\n"
                + "  \"configurations\": {\n"
                + "    \"" + SendOneMail.class.getName() + "\": { \"to\": \"" + RECIPIENT + "\", \"subject\": \"" + SUBJECT + "\" }\n"
                + "  }\n"
                + "}\n";
        return Files.writeString(file, json, StandardCharsets.UTF_8);
    }

    /**
     * Waits for the probe's line on the launcher's stdout (it sends once the mail service, its token
     * provider and the probe are active); fails with the output when the launcher ends or the deadline passes.
     */
    private String awaitProbeLine(Path stdout, Path stderr) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + LAUNCH_DEADLINE.toNanos();
        while (true) {
            for (String line : Files.readAllLines(stdout, StandardCharsets.UTF_8)) {
                if (line.startsWith(SendOneMail.SENT) || line.startsWith(SendOneMail.FAILED)) {
                    return line;
                }
            }
            if (!launcher.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("No line of the probe " + (launcher.isAlive() ? "within " + LAUNCH_DEADLINE.toSeconds()
                        + " s" : "before the launcher ended with " + launcher.exitValue()) + "; " + output(stdout, stderr));
            }
            // the child writes to a file: look again shortly (bounded by the deadline)
            launcher.waitFor(100, TimeUnit.MILLISECONDS);
        }
    }

    private static String output(Path stdout, Path stderr) {
        try {
            return "stdout:\n" + Files.readString(stdout, StandardCharsets.UTF_8) + "\nstderr:\n"
                    + Files.readString(stderr, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    private static void writeSecret(Path dir, String name, String value) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private static java.io.File codeSource(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toFile();
    }

    private static Path launcherHome() {
        Path home = Path.of(System.getProperty("mailer.feature.launcher.home"));
        assertTrue(Files.isDirectory(home.resolve("lib")), () -> "the Sling Feature Launcher is unpacked at " + home
                + " by the build (mvn verify -pl mailer-feature)");
        return home;
    }

    /** The JDK running this test (the build's). */
    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
