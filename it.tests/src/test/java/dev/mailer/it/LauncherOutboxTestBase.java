package dev.mailer.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.rules.TemporaryFolder;

import dev.mailer.it.support.ChildProcesses;
import dev.mailer.it.support.LauncherProcess;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * What the tests of the launcher's outbox commands ({@code send --queue}, {@code queue},
 * {@code serve}) share: {@code java -jar launcher/target/mailer.jar} run as a child process from an
 * empty folder, configured by environment variables only (the built-in default {@code .cfg.json},
 * plain SMTP without login to {@code 127.0.0.1}), against a {@link TestSmtpServer} on a port reserved
 * for the test and started only when the test says so, so that it can be "down" first. Retries are
 * seconds apart instead of minutes. Plain JUnit; every child still running after a test is killed.
 */
public abstract class LauncherOutboxTestBase {

    /** How long one command may take (it normally takes 1-3 s). */
    protected static final Duration RUN_DEADLINE = Duration.ofSeconds(60);
    /** How long to wait for what the server receives. */
    protected static final Duration SERVER_DEADLINE = Duration.ofSeconds(30);

    protected static final String FROM = "workflow@example.org";
    protected static final String RECIPIENT = "jane@example.org";

    /** {@code queued ID <Message-ID>}: the first line of {@code send --queue}. */
    protected static final Pattern QUEUED = Pattern.compile("(?m)^queued (\\S+) (<[^>\\s]+>)$");
    private static final Pattern MESSAGE_ID_HEADER = Pattern.compile("(?im)^Message-ID:\\s*(<[^>\\s]+>)");

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    protected Path workDir;
    protected Path dataDir;
    protected Path secretsDir;
    /** Reserved for the SMTP server; nothing listens there until {@link #startSmtp}. */
    protected int smtpPort;
    protected TestSmtpServer smtp;
    @Rule
    public final ChildProcesses children = new ChildProcesses();

    @BeforeClass
    public static void launcherJarIsBuilt() {
        LauncherProcess.jar(); // fails at once, saying how to build it, when the jar is missing
    }

    @Before
    public void prepareFoldersAndReservePort() throws IOException {
        Path base = temp.getRoot().toPath();
        workDir = Files.createDirectory(base.resolve("cwd"));
        dataDir = base.resolve("mailer-data");
        secretsDir = Files.createDirectory(base.resolve("secrets"));
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            smtpPort = socket.getLocalPort();
        }
    }

    @After
    public void stopServer() {
        if (smtp != null) {
            smtp.close();
        }
    }

    /** Starts the SMTP server on the reserved port: plain, no login; {@code configure} adds refusals. */
    protected TestSmtpServer startSmtp(UnaryOperator<TestSmtpServer.Builder> configure) throws IOException {
        smtp = configure.apply(TestSmtpServer.builder().port(smtpPort).withoutTls().requireAuth(false)).start();
        return smtp;
    }

    /** The child's whole configuration. */
    protected Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SMTP_HOST", "127.0.0.1");
        env.put("SMTP_PORT", String.valueOf(smtpPort));
        env.put("SMTP_FROM", FROM);
        env.put("SMTP_STARTTLS", "false");
        env.put("SMTP_REQUIRETLS", "false");
        env.put("SMTP_TIMEOUT_CONNECT", "5000");
        env.put("SMTP_TIMEOUT_READ", "10000");
        env.put("SMTP_TIMEOUT_WRITE", "10000");
        env.put("OUTBOX_RETRY_INITIAL", "PT1S");
        env.put("OUTBOX_RETRY_MAX", "PT2S");
        env.put("MAILER_SECRETS_DIR", secretsDir.toString());
        env.put("MAILER_DATA_DIR", dataDir.toString());
        return env;
    }

    /** Runs a command to its end; the result goes to failsafe's output. */
    protected LauncherProcess.Result launch(String... args) throws IOException, InterruptedException {
        LauncherProcess.Result result = LauncherProcess.run(workDir, env(), output(), RUN_DEADLINE, args);
        System.out.println("[launcher " + String.join(" ", args) + "] " + result);
        return result;
    }

    /** Starts a command that runs until stopped ({@code serve}) or reads {@code stdin} (the shell); killed after the test at the latest. */
    protected LauncherProcess.Running start(Map<String, String> env, Path stdin, String... args) throws IOException {
        return children.add(LauncherProcess.start(workDir, env, output(), stdin, args));
    }

    /** The {@code queued ID <Message-ID>} line of {@code send --queue}: group 1 the id, 2 the Message-ID. */
    protected static Matcher queuedLine(LauncherProcess.Result result) {
        Matcher match = QUEUED.matcher(result.stdout());
        if (!match.find()) {
            throw new AssertionError("no `queued ID <Message-ID>` line on stdout: " + result);
        }
        return match;
    }

    /** The Message-ID header of a message the server accepted. */
    protected static String messageId(TestSmtpServer.ReceivedMessage message) {
        Matcher match = MESSAGE_ID_HEADER.matcher(new String(message.data(), StandardCharsets.UTF_8));
        if (!match.find()) {
            throw new AssertionError("no Message-ID in " + message);
        }
        return match.group(1);
    }

    private Path output() {
        return temp.getRoot().toPath().resolve("output");
    }
}
