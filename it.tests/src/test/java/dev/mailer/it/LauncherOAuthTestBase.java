package dev.mailer.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.rules.TemporaryFolder;

import dev.mailer.it.oauth.Issuers;
import dev.mailer.it.oauth.OAuthServerHost;
import dev.mailer.it.oauth.TokenRelay;
import dev.mailer.it.oauth.TokenRelay.Exchange;
import dev.mailer.testsupport.smtp.Xoauth2Mechanism;
import dev.mailer.testsupport.smtp.Xoauth2Mechanism.Attempt;
import dev.mailer.it.support.LauncherProcess;
import dev.mailer.testsupport.pki.TestPki;
import dev.mailer.testsupport.smtp.TestSmtpServer;
import dev.mailer.testsupport.smtp.TestSmtpServer.ReceivedMessage;
import dev.mailer.testsupport.smtp.TestSmtpServer.SmtpEvent;

/**
 * What the tests of the launcher with OAuth2 share: {@code java -jar launcher/target/mailer.jar}
 * run as a child process from an empty folder, configured by environment variables and secret
 * files alone ({@code MAILER_PROFILE}, {@code OAUTH_*}, {@code SMTP_*}, {@code MAILER_SECRETS_DIR},
 * {@code MAILER_DATA_DIR}), against servers the test starts in its own JVM:
 * <ul>
 * <li>mock-oauth2-server ({@link OAuthServerHost}) behind {@link TokenRelay} at
 * {@code OAUTH_TOKEN_URL}, which records every token request and checks the client secret as Entra
 * ID does;</li>
 * <li>{@link TestSmtpServer} at {@code SMTP_HOST=localhost}: STARTTLS with a certificate of a
 * test CA (the child trusts it through {@code SMTP_TRUSTSTORE_PATH} and the secret
 * {@code smtp_truststore_password}), AUTH only after it and only XOAUTH2, each token introspected
 * at the OAuth2 server ({@link Xoauth2Mechanism}), command lines limited to 1000 octets.</li>
 * </ul>
 * Plain JUnit (no Pax Exam: the framework under test is the launcher's own Felix in the child). No
 * token, refresh token, client secret or truststore password may appear in the child's output.
 */
public abstract class LauncherOAuthTestBase {

    /** How long one run of the launcher may take (it normally takes 2-4 s). */
    protected static final Duration RUN_DEADLINE = Duration.ofSeconds(45);
    /** How long to wait for what the servers record. */
    protected static final Duration SERVER_DEADLINE = Duration.ofSeconds(10);

    protected static final String TENANT = "launcher-it-tenant";
    protected static final String CLIENT_ID = "launcher-it-app";
    /** The mailbox: SMTP_USER, XOAUTH2's user=, and (by the profiles' default) the sender. */
    protected static final String MAILBOX = Issuers.MAILBOX + "@example.org";
    protected static final String RECIPIENT = "jane@example.com";
    /** The scopes of the office365 / office365-app profiles: their defaults, OAUTH_SCOPES is not set. */
    protected static final String OFFICE365_SCOPES = "https://outlook.office.com/SMTP.Send offline_access";
    protected static final String OFFICE365_APP_SCOPE = "https://outlook.office365.com/.default";
    protected static final String CLIENT_SECRET_FILE = "oauth_client_secret";
    protected static final String REFRESH_TOKEN_FILE = "oauth_refresh_token";
    protected static final String TRUSTSTORE_PASSWORD_FILE = "smtp_truststore_password";

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    protected static TestPki pki;
    protected static String oauthServer;

    protected TokenRelay tokenEndpoint;
    protected Xoauth2Mechanism xoauth2;
    protected TestSmtpServer smtp;
    protected String clientSecret;
    /** The folder the launcher runs in: empty, and it must stay so (everything goes to the MAILER_* folders). */
    protected Path workDir;
    protected Path secretsDir;
    protected Path dataDir;
    protected Path truststore;
    /** Name -> value of every secret the child must never print; filled as they become known. */
    protected final Map<String, String> secrets = new LinkedHashMap<>();

    @BeforeClass
    public static void startOAuthServerAndMakePki() throws Exception {
        LauncherProcess.jar(); // fails at once, saying how to build it, when the jar is missing
        oauthServer = OAuthServerHost.ensureStarted();
        // the test JVM's one test CA and server key (making one runs keytool for seconds): every test copies
        // what it hands the child, so none changes them
        pki = TestPki.shared();
    }

    @Before
    public void startServersAndPrepareFolders() throws Exception {
        Path base = temp.getRoot().toPath();
        workDir = Files.createDirectory(base.resolve("cwd"));
        dataDir = base.resolve("mailer-data");
        secretsDir = Files.createDirectory(base.resolve("secrets"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        truststore = Files.copy(pki.truststore(), base.resolve("truststore.p12"));
        writeSecret(TRUSTSTORE_PASSWORD_FILE, pki.truststorePassword());
        clientSecret = TestPki.randomPassword();
        writeSecret(CLIENT_SECRET_FILE, clientSecret);

        tokenEndpoint = TokenRelay.start(URI.create("http://127.0.0.1:0/" + TENANT + "/oauth2/v2.0/token"), oauthServer)
                .registerClient(CLIENT_ID, clientSecret);
        xoauth2 = new Xoauth2Mechanism(oauthServer + "/", Issuers.SMTP_SCOPE)
                // delegated tokens are the user's (sub mailer-it, upn mailer-it@example.org)
                .grant(Issuers.MAILBOX, MAILBOX)
                // app-only tokens are the application's, granted the mailbox (Add-MailboxPermission)
                .grant(CLIENT_ID, MAILBOX);
        smtp = smtpLikeOffice365().start();
    }

    @After
    public void stopServers() {
        if (tokenEndpoint != null) {
            tokenEndpoint.close();
        }
        if (smtp != null) {
            smtp.close();
        }
    }

    /**
     * office365 (delegated, refresh_token) as the README shows it: a refresh token obtained once
     * (consent + code exchange) in the secret file oauth_refresh_token, the confidential client's
     * secret in oauth_client_secret. A second run on the same MAILER_DATA_DIR, with the protocol
     * trace on, uses the refresh token the server rotated in the first run, not the configured one.
     */
    /** Replaces the SMTP server of {@link #startServersAndPrepareFolders()} with one {@code configure} changes. */
    protected void restartSmtp(UnaryOperator<TestSmtpServer.Builder> configure) throws Exception {
        smtp.close();
        smtp = configure.apply(smtpLikeOffice365()).start();
    }

    /** STARTTLS with the test CA's certificate, then only XOAUTH2, lines of at most 1000 octets. */
    private TestSmtpServer.Builder smtpLikeOffice365() throws Exception {
        return TestSmtpServer.builder()
                .port(0)
                .startTls(pki.trustedServerContext())
                .authRequiresTls(true)
                .authenticateOnlyWith(xoauth2)
                .maxCommandLineLength(1000);
    }

    /** Runs the launcher with {@code args} and the environment {@code env}; the result goes to failsafe's output, secrets named. */
    protected LauncherProcess.Result launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
        LauncherProcess.Result result = LauncherProcess.run(workDir, env, temp.getRoot().toPath().resolve("output"), RUN_DEADLINE, args);
        System.out.println("[launcher " + String.join(" ", args) + ", " + env.get("MAILER_PROFILE") + "] " + describe(result));
        return result;
    }

    /** {@code send} of one mail to {@link #RECIPIENT} with {@code subject}, its body made of it. */
    protected LauncherProcess.Result send(Map<String, String> env, String subject) throws IOException, InterruptedException {
        return launch(env, "send", "--to", RECIPIENT, "--subject", subject, "--text", "Body of " + subject);
    }

    /**
     * Exit 0, the server's reply for the {@code number}th message on stdout, no secret in the
     * output, nothing written into the working folder.
     */
    protected void assertSent(LauncherProcess.Result result, int number) throws InterruptedException {
        smtp.awaitMessages(number, SERVER_DEADLINE);
        assertNoSecretIn(result);
        assertEquals("exit 0: " + describe(result), 0, result.exit());
        assertEquals("stdout is the server's reply to the message: " + describe(result), "250 2.0.0 OK queued as " + number,
                result.stdout().strip());
        assertWorkDirStillEmpty();
    }

    /**
     * {@code count} messages arrived, each over TLS after an accepted XOAUTH2 login as the mailbox
     * with {@code token} (two-step: the response on its own line after {@code 334}); STARTTLS came
     * before AUTH, and AUTH, MAIL, RCPT, DATA only after it.
     */
    protected List<ReceivedMessage> assertDeliveredWithXoauth2(int count, String token) {
        List<ReceivedMessage> received = smtp.messages();
        assertEquals("messages: " + received, count, received.size());
        for (ReceivedMessage message : received) {
            assertTrue("over TLS: " + message, message.tls());
            assertEquals("authenticated as the mailbox", MAILBOX, message.authenticatedUser());
        }
        List<Attempt> attempts = xoauth2.attempts();
        assertEquals("one XOAUTH2 login per message: " + attempts, count, attempts.size());
        for (Attempt attempt : attempts) {
            assertTrue(attempt.toString(), attempt.accepted());
            assertEquals("user= is SMTP_USER", MAILBOX, attempt.user());
            assertTrue("the token the grant obtained", token.equals(attempt.token()));
            assertTrue("the response on its own line after AUTH XOAUTH2 / 334: " + attempt, attempt.twoStep());
        }
        List<String> verbs = smtp.verbs();
        assertTrue("STARTTLS before AUTH: " + verbs, verbs.contains("STARTTLS") && verbs.indexOf("STARTTLS") < verbs.indexOf("AUTH"));
        for (SmtpEvent e : smtp.events()) {
            if (List.of("AUTH", "MAIL", "RCPT", "DATA").contains(e.verb())) {
                assertTrue(e + " only after the TLS upgrade", e.tls());
            }
        }
        return received;
    }

    /** The whole configuration of the child: a provider profile, the servers of this test, the MAILER_* folders. */
    protected Map<String, String> env(String profile) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MAILER_PROFILE", profile);
        env.put("OAUTH_TENANT_ID", TENANT);
        env.put("OAUTH_CLIENT_ID", CLIENT_ID);
        // the tenant's token endpoint stands in for login.microsoftonline.com/<tenant>/oauth2/v2.0/token
        env.put("OAUTH_TOKEN_URL", tokenEndpoint.url().toString());
        // localhost: a name of the server certificate (SAN dns:localhost, ip:127.0.0.1), checked by the child
        env.put("SMTP_HOST", "localhost");
        env.put("SMTP_PORT", String.valueOf(smtp.port()));
        env.put("SMTP_USER", MAILBOX);
        env.put("SMTP_TRUSTSTORE_PATH", truststore.toString());
        env.put("SMTP_TIMEOUT_CONNECT", "5000");
        env.put("SMTP_TIMEOUT_READ", "10000");
        env.put("SMTP_TIMEOUT_WRITE", "10000");
        env.put("MAILER_SECRETS_DIR", secretsDir.toString());
        env.put("MAILER_DATA_DIR", dataDir.toString());
        return env;
    }

    /**
     * Neither stdout nor stderr holds a secret: the client secrets and truststore password of the
     * files, every access and refresh token the token endpoint saw or issued (also their JWT payload
     * and signature alone), nor any XOAUTH2 client response as it went over the wire.
     */
    protected void assertNoSecretIn(LauncherProcess.Result result) {
        collectSecretsSeenByTheServers();
        String output = result.stdout() + "\n" + result.stderr();
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, String> secret : secrets.entrySet()) {
            if (output.contains(secret.getValue())) {
                found.add(secret.getKey());
            }
        }
        if (!found.isEmpty()) {
            fail("The launcher's output shows secrets: " + found + "; " + describe(result));
        }
    }

    protected void collectSecretsSeenByTheServers() {
        secrets.put("truststore password", pki.truststorePassword());
        secrets.put("client secret", clientSecret);
        int i = 0;
        for (Exchange e : tokenEndpoint.exchanges()) {
            i++;
            putSecret("client_secret sent in token request " + i, e.form("client_secret"));
            putSecret("refresh_token sent in token request " + i, e.refreshTokenSent());
            putToken("access token of token request " + i, e.accessToken());
            putToken("refresh token answered to token request " + i, e.refreshToken());
        }
        i = 0;
        for (Attempt attempt : xoauth2.attempts()) {
            i++;
            putToken("XOAUTH2 token " + i, attempt.token());
            if (attempt.token() != null) {
                putSecret("XOAUTH2 client response " + i, Base64.getEncoder().encodeToString(("user=" + attempt.user()
                        + "\u0001auth=Bearer " + attempt.token() + "\u0001\u0001").getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    protected void putToken(String name, String token) {
        putSecret(name, token);
        if (token != null) {
            String[] parts = token.split("\\.");
            if (parts.length == 3) {
                // the header of a JWT is no secret; its claims and signature are
                putSecret(name + " (JWT payload)", parts[1]);
                putSecret(name + " (JWT signature)", parts[2]);
            }
        }
    }

    protected void putSecret(String name, String value) {
        if (value != null && !value.isBlank()) {
            secrets.putIfAbsent(name, value);
        }
    }

    /** The result for a failure message, every known secret replaced by its name. */
    protected String describe(LauncherProcess.Result result) {
        collectSecretsSeenByTheServers();
        String text = result.toString();
        for (Map.Entry<String, String> secret : secrets.entrySet()) {
            text = text.replace(secret.getValue(), "<" + secret.getKey() + ">");
        }
        return text;
    }

    /** The launcher wrote nothing into the folder it ran in: MAILER_DATA_DIR and MAILER_SECRETS_DIR are elsewhere. */
    protected void assertWorkDirStillEmpty() {
        try (Stream<Path> files = Files.list(workDir)) {
            assertEquals("the working folder stays empty", List.of(), files.map(Path::toString).collect(Collectors.toList()));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertTrue("the data folder is where MAILER_DATA_DIR says", Files.isDirectory(dataDir));
    }

    /** The files under {@code dir} (bundle jars and caches included) whose bytes contain {@code value}. */
    protected static List<Path> filesUnder(Path dir, String value) throws IOException {
        byte[] needle = value.getBytes(StandardCharsets.UTF_8);
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                if (new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)
                        .contains(new String(needle, StandardCharsets.ISO_8859_1))) {
                    found.add(file);
                }
            }
        }
        return found;
    }

    /** A secret file as a user writes it: owner-only, with the trailing newline of {@code echo > file}. */
    protected void writeSecret(String name, String value) throws IOException {
        Path file = secretsDir.resolve(name);
        Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        secrets.put("secret file " + name, value);
    }
}
