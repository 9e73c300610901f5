package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
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
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import dev.mailer.it.oauth.Issuers;
import dev.mailer.it.oauth.OAuthFlows;
import dev.mailer.it.oauth.OAuthServerHost;
import dev.mailer.it.oauth.TokenRelay;
import dev.mailer.it.oauth.TokenRelay.Exchange;
import dev.mailer.it.smtp.TestSmtpServer;
import dev.mailer.it.smtp.TestSmtpServer.ReceivedMessage;
import dev.mailer.it.smtp.TestSmtpServer.SmtpEvent;
import dev.mailer.it.smtp.Xoauth2Mechanism;
import dev.mailer.it.smtp.Xoauth2Mechanism.Attempt;
import dev.mailer.it.support.LauncherProcess;
import dev.mailer.it.support.TestPki;

/**
 * The main command with OAuth2, as the README shows it: {@code java -jar launcher/target/mailer.jar
 * send ...} run as a child process from an empty folder, configured by environment variables and
 * secret files alone ({@code MAILER_PROFILE=office365} / {@code office365-app}, {@code OAUTH_*},
 * {@code SMTP_*}, {@code MAILER_SECRETS_DIR}, {@code MAILER_DATA_DIR}), against servers this test
 * starts in its own JVM:
 * <ul>
 * <li>mock-oauth2-server ({@link OAuthServerHost}) behind {@link TokenRelay} at
 * {@code OAUTH_TOKEN_URL}, which records every token request and checks the client secret as Entra
 * ID does;</li>
 * <li>{@link TestSmtpServer} at {@code SMTP_HOST=localhost}: STARTTLS with a certificate of a
 * test CA (the child trusts it through {@code SMTP_TRUSTSTORE_PATH} and the secret
 * {@code smtp_truststore_password}), AUTH only after it and only XOAUTH2, each token introspected
 * at the OAuth2 server ({@link Xoauth2Mechanism}), command lines limited to 1000 octets.</li>
 * </ul>
 * A plain JUnit test (no Pax Exam: the framework under test is the launcher's own Felix in the
 * child). No token, refresh token, client secret or truststore password may appear in the child's
 * stdout or stderr, also with the protocol trace on.
 */
public class LauncherOAuthIT {

    /** How long one run of the launcher may take (it normally takes 2-4 s). */
    private static final Duration RUN_DEADLINE = Duration.ofSeconds(45);
    /** How long to wait for what the servers record. */
    private static final Duration SERVER_DEADLINE = Duration.ofSeconds(10);

    private static final String TENANT = "launcher-it-tenant";
    private static final String CLIENT_ID = "launcher-it-app";
    /** The mailbox: SMTP_USER, XOAUTH2's user=, and (by the profiles' default) the sender. */
    private static final String MAILBOX = Issuers.MAILBOX + "@example.org";
    private static final String RECIPIENT = "jane@example.com";
    /** The scopes of the office365 / office365-app profiles: their defaults, OAUTH_SCOPES is not set. */
    private static final String OFFICE365_SCOPES = "https://outlook.office.com/SMTP.Send offline_access";
    private static final String OFFICE365_APP_SCOPE = "https://outlook.office365.com/.default";
    private static final String CLIENT_SECRET_FILE = "oauth_client_secret";
    private static final String REFRESH_TOKEN_FILE = "oauth_refresh_token";
    private static final String TRUSTSTORE_PASSWORD_FILE = "smtp_truststore_password";

    /** A test CA and server key of this class's own (the Pax Exam classes' PKI belongs to their JVM-wide setup). */
    @ClassRule
    public static final TemporaryFolder CLASS_DIR = new TemporaryFolder();

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private static TestPki pki;
    private static String oauthServer;

    private TokenRelay tokenEndpoint;
    private Xoauth2Mechanism xoauth2;
    private TestSmtpServer smtp;
    private String clientSecret;
    /** The folder the launcher runs in: empty, and it must stay so (everything goes to the MAILER_* folders). */
    private Path workDir;
    private Path secretsDir;
    private Path dataDir;
    private Path truststore;
    /** Name -> value of every secret the child must never print; filled as they become known. */
    private final Map<String, String> secrets = new LinkedHashMap<>();

    @BeforeClass
    public static void startOAuthServerAndMakePki() throws Exception {
        LauncherProcess.jar(); // fails at once, saying how to build it, when the jar is missing
        oauthServer = OAuthServerHost.ensureStarted();
        pki = TestPki.generate(CLASS_DIR.newFolder("pki").toPath());
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
        smtp = TestSmtpServer.builder()
                .port(0)
                .startTls(pki.trustedServerContext())
                .authRequiresTls(true)
                .authenticateOnlyWith(xoauth2)
                .maxCommandLineLength(1000)
                .start();
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
    @Test
    public void office365DelegatedSendsWithARefreshTokenFromTheSecretFile() throws Exception {
        String refreshToken = OAuthFlows.obtainRefreshToken(oauthServer, Issuers.OFFICE365, CLIENT_ID, clientSecret);
        writeSecret(REFRESH_TOKEN_FILE, refreshToken);

        LauncherProcess.Result first = send(env("office365"), "Delegated via the launcher");

        assertSentAndNoSecretInOutput(first, 1);
        assertEquals("a send that works prints nothing on stderr (MAILER_LOG_LEVEL defaults to warn): " + describe(first), "",
                first.stderr());
        Exchange request = onlyTokenRequest();
        assertEquals("refresh_token", request.grantType());
        assertEquals("the refresh token of the secret file", refreshToken, request.refreshTokenSent());
        assertEquals(CLIENT_ID, request.form("client_id"));
        assertEquals("the client secret of the secret file", clientSecret, request.form("client_secret"));
        assertEquals("the profile's scopes, sent on refresh", OFFICE365_SCOPES, request.form("scope"));
        assertEquals(200, request.status());
        String rotated = request.refreshToken();
        assertTrue("the server rotated the refresh token", rotated != null && !rotated.equals(refreshToken));
        ReceivedMessage message = assertDeliveredWithXoauth2(1, request.accessToken()).get(0);
        assertThat(new String(message.data(), StandardCharsets.UTF_8), containsString("Subject: Delegated via the launcher\r\n"));
        assertThat("From: SMTP_USER by the profile's default (no SMTP_FROM)", new String(message.data(), StandardCharsets.UTF_8),
                containsString("From: " + MAILBOX + "\r\n"));
        assertEquals(MAILBOX, message.mailFrom());
        assertEquals(List.of(RECIPIENT), message.recipients());

        Map<String, String> debugEnv = env("office365");
        debugEnv.put("MAIL_DEBUG", "true");
        // the trace is logged at INFO, which the launcher's default level for send (warn) hides; debug:
        // the most the launcher can print, for the secret check
        debugEnv.put("MAILER_LOG_LEVEL", "debug");
        LauncherProcess.Result second = send(debugEnv, "Second run, trace on");

        assertSentAndNoSecretInOutput(second, 2);
        assertThat("the protocol trace is on stderr (else the secret check above proves little): " + describe(second),
                second.stderr(), containsString("STARTTLS"));
        assertThat(describe(second), second.stderr(), containsString("AUTH XOAUTH2"));
        assertThat("the XOAUTH2 response line is in the trace, redacted: " + describe(second), second.stderr(),
                containsString("<redacted>"));
        List<Exchange> requests = tokenEndpoint.exchanges();
        assertEquals("one token request per run (a new process has no access token): " + requests, 2, requests.size());
        assertEquals("refresh_token", requests.get(1).grantType());
        assertEquals("the second run sends the refresh token rotated in the first, stored under MAILER_DATA_DIR",
                rotated, requests.get(1).refreshTokenSent());
        for (Exchange e : requests) {
            assertEquals(200, e.status());
        }
        assertNotEquals(refreshToken, requests.get(1).refreshTokenSent());
        List<Attempt> attempts = xoauth2.attempts();
        assertEquals("one accepted XOAUTH2 login per run: " + attempts, 2, attempts.size());
        assertEquals("the second run used its own fresh token", requests.get(1).accessToken(), attempts.get(1).token());
        assertTrue(attempts.get(1).toString(), attempts.get(1).accepted());

        // at rest under MAILER_DATA_DIR: the latest rotated refresh token, owner-only, and no other secret
        String latest = requests.get(1).refreshToken();
        List<Path> stores = filesUnder(dataDir, latest);
        assertEquals("exactly one file keeps the latest rotated refresh token: " + stores, 1, stores.size());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stores.get(0))));
        Map<String, String> notAtRest = new LinkedHashMap<>();
        notAtRest.put("the configured refresh token", refreshToken);
        notAtRest.put("the superseded rotated refresh token", rotated);
        notAtRest.put("the client secret", clientSecret);
        notAtRest.put("the truststore password", pki.truststorePassword());
        notAtRest.put("the first access token", requests.get(0).accessToken());
        notAtRest.put("the second access token", requests.get(1).accessToken());
        for (Map.Entry<String, String> secret : notAtRest.entrySet()) {
            assertEquals(secret.getKey() + " is stored nowhere under MAILER_DATA_DIR", List.of(), filesUnder(dataDir, secret.getValue()));
        }
    }

    /** office365-app (app-only, client_credentials): only the client secret file, no refresh token. */
    @Test
    public void office365AppOnlySendsWithClientCredentials() throws Exception {
        LauncherProcess.Result result = send(env("office365-app"), "App-only via the launcher");

        assertSentAndNoSecretInOutput(result, 1);
        assertEquals("a send that works prints nothing on stderr: " + describe(result), "", result.stderr());
        Exchange request = onlyTokenRequest();
        assertEquals("client_credentials", request.grantType());
        assertNull("no refresh token in an app-only request", request.refreshTokenSent());
        assertEquals(CLIENT_ID, request.form("client_id"));
        assertEquals(clientSecret, request.form("client_secret"));
        assertEquals(OFFICE365_APP_SCOPE, request.form("scope"));
        assertEquals(200, request.status());
        assertDeliveredWithXoauth2(1, request.accessToken());
    }

    /**
     * A wrong client secret (office365-app): the token endpoint answers 401 invalid_client /
     * AADSTS7000215; the command exits 1 (permanent) with that diagnosis on stderr, and nothing is
     * sent: no SMTP connection at all.
     */
    @Test
    public void wrongClientSecretExits1WithTheInvalidClientDiagnosisAndSendsNothing() throws Exception {
        String wrongSecret = TestPki.randomPassword();
        writeSecret(CLIENT_SECRET_FILE, wrongSecret);

        LauncherProcess.Result result = send(env("office365-app"), "Must not be sent");

        assertNoSecretIn(result);
        assertEquals("exit 1 (refused, permanent): " + describe(result), 1, result.exit());
        assertEquals("nothing on stdout: " + describe(result), "", result.stdout());
        assertThat(describe(result), result.stderr(), containsString("invalid_client"));
        assertThat("quotes error_description: " + describe(result), result.stderr(), containsString("AADSTS7000215"));
        assertThat("names the setting: " + describe(result), result.stderr(), containsString("clientSecret"));
        assertThat("says what to do: " + describe(result), result.stderr(), containsString("client secret"));
        assertThat(describe(result), result.stderr(), containsString("nothing was sent"));

        List<Exchange> requests = tokenEndpoint.exchanges();
        assertFalse("the token endpoint was asked", requests.isEmpty());
        for (Exchange e : requests) {
            assertEquals("client_credentials", e.grantType());
            assertEquals("the secret of the file was sent", wrongSecret, e.form("client_secret"));
            assertEquals(401, e.status());
            assertEquals("invalid_client", e.error());
        }
        assertEquals("no message", 0, smtp.messages().size());
        assertEquals("no SMTP connection at all: " + smtp.events(), List.of(), smtp.events());
        assertEquals("no XOAUTH2 attempt", List.of(), xoauth2.attempts());
        assertWorkDirStillEmpty();
    }

    /** The whole configuration of the child: a provider profile, the servers of this test, the MAILER_* folders. */
    private Map<String, String> env(String profile) {
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

    private LauncherProcess.Result send(Map<String, String> env, String subject) throws IOException, InterruptedException {
        LauncherProcess.Result result = LauncherProcess.run(workDir, env, temp.getRoot().toPath().resolve("output"), RUN_DEADLINE,
                "send", "--to", RECIPIENT, "--subject", subject, "--text", "Body of " + subject);
        // into failsafe's LauncherOAuthIT-output.txt, secrets replaced by their names
        System.out.println("[launcher run, " + env.get("MAILER_PROFILE") + "] " + describe(result));
        return result;
    }

    /** Exit 0, the server's reply for the {@code number}th message on stdout, no secret in the output. */
    private void assertSentAndNoSecretInOutput(LauncherProcess.Result result, int number) throws InterruptedException {
        smtp.awaitMessages(number, SERVER_DEADLINE);
        tokenEndpoint.awaitAnswered(1, SERVER_DEADLINE);
        assertNoSecretIn(result);
        assertEquals("exit 0: " + describe(result), 0, result.exit());
        assertEquals("stdout is the server's reply to the message: " + describe(result), "250 2.0.0 OK queued as " + number,
                result.stdout().strip());
        assertWorkDirStillEmpty();
    }

    /** The one token request of the run so far. */
    private Exchange onlyTokenRequest() {
        List<Exchange> requests = tokenEndpoint.exchanges();
        assertEquals("exactly one token request: " + requests, 1, requests.size());
        return requests.get(0);
    }

    /**
     * {@code count} messages arrived, each over TLS after an accepted XOAUTH2 login as the mailbox
     * with {@code token} (two-step: the response on its own line after {@code 334}); STARTTLS came
     * before AUTH, and AUTH, MAIL, RCPT, DATA only after it.
     */
    private List<ReceivedMessage> assertDeliveredWithXoauth2(int count, String token) {
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
            assertTrue("the token the token endpoint issued", token.equals(attempt.token()));
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

    /**
     * Neither stdout nor stderr holds a secret: the client secrets and truststore password of the
     * files, every access and refresh token the token endpoint saw or issued (also their JWT payload
     * and signature alone), nor any XOAUTH2 client response as it went over the wire.
     */
    private void assertNoSecretIn(LauncherProcess.Result result) {
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

    private void collectSecretsSeenByTheServers() {
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

    private void putToken(String name, String token) {
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

    private void putSecret(String name, String value) {
        if (value != null && !value.isBlank()) {
            secrets.putIfAbsent(name, value);
        }
    }

    /** The result for a failure message, every known secret replaced by its name. */
    private String describe(LauncherProcess.Result result) {
        collectSecretsSeenByTheServers();
        String text = result.toString();
        for (Map.Entry<String, String> secret : secrets.entrySet()) {
            text = text.replace(secret.getValue(), "<" + secret.getKey() + ">");
        }
        return text;
    }

    /** The launcher wrote nothing into the folder it ran in: MAILER_DATA_DIR and MAILER_SECRETS_DIR are elsewhere. */
    private void assertWorkDirStillEmpty() {
        try (Stream<Path> files = Files.list(workDir)) {
            assertEquals("the working folder stays empty", List.of(), files.map(Path::toString).collect(Collectors.toList()));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertTrue("the data folder is where MAILER_DATA_DIR says", Files.isDirectory(dataDir));
    }

    /** The files under {@code dir} (bundle jars and caches included) whose bytes contain {@code value}. */
    private static List<Path> filesUnder(Path dir, String value) throws IOException {
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
    private void writeSecret(String name, String value) throws IOException {
        Path file = secretsDir.resolve(name);
        Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        secrets.put("secret file " + name, value);
    }
}
