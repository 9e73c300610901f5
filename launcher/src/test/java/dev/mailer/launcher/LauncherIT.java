package dev.mailer.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import jakarta.mail.internet.MimeMessage;

/**
 * Runs target/mailer.jar as a child process, as a user would, with the JDK of this build.
 */
class LauncherIT {

    private static final long PROCESS_TIMEOUT_SECONDS = 120;

    @TempDir
    Path workDir;

    private final List<Process> processes = new ArrayList<>();
    private GreenMail greenMail;

    @AfterEach
    void cleanUp() {
        for (Process process : processes) {
            process.destroyForcibly();
        }
        if (greenMail != null) {
            greenMail.stop();
        }
    }

    @Test
    void sendsToTheDevelopmentInboxWithoutAnySetting() throws Exception {
        Result result = run(Map.of(), null, "send", "--to", "someone@example.com", "--subject", "Dev inbox check", "--text", "It works");
        assertEquals(0, result.exit, result.toString());
        assertTrue(result.stdout.startsWith("250"), result.toString());
        assertTrue(result.stderr.contains("development inbox"), result.toString());

        List<Path> messages = emlFiles(workDir.resolve("mailer-data/dev-inbox"));
        assertEquals(1, messages.size(), result.toString());
        String eml = Files.readString(messages.get(0), StandardCharsets.UTF_8);
        assertTrue(eml.contains("Subject: Dev inbox check"), eml);
        assertTrue(eml.contains("To: someone@example.com"), eml);
        assertTrue(eml.contains("From: mailer@localhost"), eml);
        assertTrue(result.stderr.contains(messages.get(0).getFileName().toString()), "says where the .eml went: " + result);
        // nothing else, e.g. no JDK warning about the framework's use of sun.misc.Unsafe (JDK 24+)
        for (String line : result.stderr.split("\\R")) {
            assertTrue(line.startsWith("mailer: "), "only the launcher's own lines on stderr: " + result);
        }
    }

    @Test
    void secondRunReusesTheStorageAndSendsAnAttachment() throws Exception {
        assertEquals(0, run(Map.of(), null, "send", "--to", "a@example.com", "--subject", "first", "--text", "1").exit);
        Path attachment = Files.writeString(workDir.resolve("report.txt"), "attached text");
        Result result = run(Map.of(), null, "send", "--to", "a@example.com", "--subject", "second", "--text", "2",
                "--attach", attachment.toString());
        assertEquals(0, result.exit, result.toString());
        String eml = emlFiles(workDir.resolve("mailer-data/dev-inbox")).stream().map(LauncherIT::read)
                .filter(text -> text.contains("Subject: second")).findFirst().orElseThrow();
        assertTrue(eml.contains("report.txt"), eml);
        assertTrue(eml.contains("text/plain"), eml);
    }

    @Test
    void sendsThroughTheServerOfTheEnvironment() throws Exception {
        int port = freePort();
        greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        String password = "pw-" + Long.toHexString(System.nanoTime());
        greenMail.setUser("sender@example.com", "mailer-user", password);

        Path secrets = Files.createDirectories(workDir.resolve("secrets"));
        Files.writeString(secrets.resolve("smtp_password"), password + "\n");
        Map<String, String> env = Map.of(
                "SMTP_HOST", "127.0.0.1",
                "SMTP_PORT", String.valueOf(port),
                "SMTP_STARTTLS", "false",
                "SMTP_REQUIRETLS", "false",
                "SMTP_FROM", "sender@example.com",
                "SMTP_USER", "mailer-user",
                // the protocol trace too must not show the password; MAIL_DEBUG alone turns it on
                "MAIL_DEBUG", "true");
        Result result = run(env, null, "send", "--to", "rcpt@example.com", "--subject", "Via GreenMail", "--text", "Hello");
        assertEquals(0, result.exit, result.toString());
        assertTrue(result.stdout.startsWith("250"), result.toString());
        assertFalse(result.stderr.contains("development inbox"), result.toString());

        assertTrue(greenMail.waitForIncomingEmail(10_000, 1), "GreenMail received nothing; " + result);
        MimeMessage received = greenMail.getReceivedMessages()[0];
        assertEquals("Via GreenMail", received.getSubject());
        assertEquals("rcpt@example.com", received.getAllRecipients()[0].toString());
        assertEquals("sender@example.com", received.getFrom()[0].toString());

        assertTrue(result.stderr.contains("MAIL FROM:<sender@example.com>"), "the SMTP dialogue is on stderr: " + result);
        String output = result.stdout + result.stderr;
        for (String secret : new String[] {password,
                base64(password),
                base64("\0mailer-user\0" + password),
                base64("mailer-user\0mailer-user\0" + password)}) {
            assertFalse(output.contains(secret), "the password (or its base64) is in the output");
        }
    }

    @Test
    void serviceOptionSendsThroughTheNamedServiceOfAFactoryConfiguration() throws Exception {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        greenMail.start();
        GreenMail bulkServer = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        bulkServer.start();
        try {
            // two factory configurations, no plain one: Felix SCR takes either for one PID, never both
            Path config = Files.createDirectories(workDir.resolve("config"));
            String pid = "dev.mailer.core.impl.DefaultMailService";
            Files.writeString(config.resolve(pid + "~notify.cfg.json"), plainServer(greenMail.getSmtp().getPort(), "notify@example.com"));
            Files.writeString(config.resolve(pid + "~bulk.cfg.json"), plainServer(bulkServer.getSmtp().getPort(), "bulk@example.com"));
            Map<String, String> env = Map.of("MAILER_CONFIG_DIR", config.toString());

            Result bulk = run(env, null, "send", "--service", "bulk", "--to", "list@example.com", "--subject", "newsletter", "--text", "n");
            Result notify = run(env, null, "send", "--service=notify", "--to", "ops@example.com", "--subject", "alert", "--text", "a");
            Result unnamed = run(env, null, "send", "--to", "ops@example.com", "--subject", "s", "--text", "t");

            assertEquals(0, bulk.exit, bulk.toString());
            assertEquals(0, notify.exit, notify.toString());
            assertTrue(bulkServer.waitForIncomingEmail(10_000, 1));
            assertEquals("newsletter", bulkServer.getReceivedMessages()[0].getSubject());
            assertEquals("bulk@example.com", bulkServer.getReceivedMessages()[0].getFrom()[0].toString());
            assertTrue(greenMail.waitForIncomingEmail(10_000, 1));
            assertEquals(List.of("alert"), List.of(greenMail.getReceivedMessages()[0].getSubject()));
            assertEquals(1, bulkServer.getReceivedMessages().length, "each mail at its own service's server only");
            assertTrue(unnamed.exit != 0, unnamed.toString());
            assertTrue(unnamed.stderr.contains("the named services here are bulk, notify: pass --service NAME"), unnamed.toString());
        } finally {
            bulkServer.stop();
        }
    }

    private static String plainServer(int port, String from) {
        return "{\"smtp.host\": \"127.0.0.1\", \"smtp.port\": " + port + ", \"from.address\": \"" + from + "\","
                + " \"smtp.starttls\": false, \"smtp.requiretls\": false}";
    }

    @Test
    void unknownOptionIsAUsageError() throws Exception {
        Result result = run(Map.of(), null, "send", "--to", "a@example.com", "--bogus", "x");
        assertEquals(2, result.exit, result.toString());
        assertTrue(result.stderr.contains("unknown option: --bogus"), result.toString());
        assertEquals("", result.stdout);
    }

    @Test
    void invalidAddressIsReportedWithTheBuildersReason() throws Exception {
        Result result = run(Map.of(), null, "send", "--to", "not-an-address", "--subject", "s", "--text", "t");
        assertEquals(2, result.exit, result.toString());
        assertTrue(result.stderr.contains("to address is not a valid RFC 5322 mailbox"), result.toString());
        assertTrue(emlFiles(workDir.resolve("mailer-data/dev-inbox")).isEmpty());
    }

    @Test
    void missingSenderSettingFailsNamingTheProperty() throws Exception {
        // SMTP_HOST set: the built-in .cfg.json is used, whose from.address needs SMTP_FROM
        Result result = run(Map.of("SMTP_HOST", "127.0.0.1", "SMTP_PORT", String.valueOf(freePort())), null,
                "send", "--to", "a@example.com", "--subject", "s", "--text", "t");
        assertEquals(1, result.exit, result.toString());
        assertTrue(result.stderr.contains("from.address"), result.toString());
        assertTrue(result.stderr.contains("SMTP_FROM"), result.toString());
    }

    @Test
    void helpPrintsUsage() throws Exception {
        Result result = run(Map.of(), null, "--help");
        assertEquals(0, result.exit, result.toString());
        assertTrue(result.stdout.contains("Usage:"), result.toString());
    }

    @Test
    void shellStartsEveryBundleAndStopsWithStop0() throws Exception {
        Result result = run(Map.of(), "lb\nstop 0\n");
        assertEquals(0, result.exit, result.toString());
        List<String> bundleLines = result.stdout.lines().filter(l -> l.matches("\\s*\\d+\\|.*")).collect(Collectors.toList());
        assertTrue(bundleLines.size() > 20, result.toString());
        for (String line : bundleLines) {
            assertTrue(line.contains("|Active "), "not active: " + line + "\n" + result);
        }
        assertTrue(result.stdout.contains("Mailer core"), result.toString());
        assertFalse(result.stderr.contains("ERROR"), result.toString());
    }

    /** The commands are Gogo commands too: mailer:check, mailer:send, mailer:token and mailer:authorize in the shell, against the development inbox. */
    @Test
    void shellOffersTheMailerCommands() throws Exception {
        Result result = run(Map.of(), "mailer:check\nmailer:send --to a@example.com --subject FromTheShell --text t\n"
                + "mailer:token\nmailer:authorize --help\nstop 0\n");
        assertEquals(0, result.exit, result.toString());
        assertTrue(result.stdout.contains("All checks passed"), result.toString());
        // the development inbox has no OAuth2 configuration: token says so at once; authorize is there too
        assertTrue(result.stderr.contains("there is no OAuth2 token provider"), result.toString());
        assertTrue(result.stdout.contains("authorize: sign in as the mailbox once"), result.toString());
        assertTrue(result.stdout.matches("(?s).*PASS\\s+connect.*"), result.toString());
        List<Path> messages = emlFiles(workDir.resolve("mailer-data/dev-inbox"));
        assertEquals(1, messages.size(), result.toString());
        assertTrue(read(messages.get(0)).contains("Subject: FromTheShell"), read(messages.get(0)));
    }

    @Test
    void changedBundleIsUpdatedInPlaceKeepingItsDataArea() throws Exception {
        assertEquals(0, run(Map.of(), "stop 0\n").exit);
        Path cache = workDir.resolve("mailer-data/felix-cache");
        Path cliBundleDir = bundleDir(cache, "mailer-launcher:dev.mailer.launcher.cli");
        Path data = Files.createDirectories(cliBundleDir.resolve("data")).resolve("kept.txt");
        Files.writeString(data, "survives");
        String digestsBefore = Files.readString(workDir.resolve("mailer-data/launcher-bundles.properties"));

        // the same launcher, but its CLI bundle has one more entry: a new build of that bundle
        Path changedJar = workDir.resolve("changed-mailer.jar");
        rewriteBundle(mailerJar(), changedJar, "bundles/mailer-cli.jar");
        Result result = run(Map.of(), "lb\nstop 0\n", changedJar);
        assertEquals(0, result.exit, result.toString());
        assertFalse(result.stderr.contains("ERROR"), result.toString());

        assertEquals(cliBundleDir, bundleDir(cache, "mailer-launcher:dev.mailer.launcher.cli"), "same bundle, not a new install");
        assertEquals("survives", Files.readString(data));
        String digestsAfter = Files.readString(workDir.resolve("mailer-data/launcher-bundles.properties"));
        assertFalse(digestsAfter.lines().filter(l -> l.contains("launcher.cli")).findFirst()
                .equals(digestsBefore.lines().filter(l -> l.contains("launcher.cli")).findFirst()), "CLI bundle updated");
        try (Stream<Path> revisions = Files.list(cliBundleDir)) {
            assertTrue(revisions.anyMatch(p -> p.getFileName().toString().equals("version0.1")), "a second revision was installed");
        }
    }

    /** The folder Felix keeps a bundle in, found by its location in bundle.info. */
    private static Path bundleDir(Path cache, String location) throws IOException {
        try (Stream<Path> dirs = Files.list(cache)) {
            return dirs.filter(dir -> Files.isRegularFile(dir.resolve("bundle.info")))
                    .filter(dir -> read(dir.resolve("bundle.info")).contains(location))
                    .findFirst().orElseThrow(() -> new AssertionError("no bundle " + location + " in " + cache));
        }
    }

    /** Copies a jar, adding an entry to one of the bundles inside it. */
    private static void rewriteBundle(Path source, Path target, String bundleEntry) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(source));
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                byte[] content = in.readAllBytes();
                if (entry.getName().equals(bundleEntry)) {
                    content = withExtraEntry(content);
                }
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(content);
                out.closeEntry();
            }
        }
    }

    private static byte[] withExtraEntry(byte[] jar) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar)); ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(in.readAllBytes());
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry("changed.txt"));
            out.write("a newer build".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return bytes.toByteArray();
    }

    private Result run(Map<String, String> env, String stdin, String... args) throws IOException, InterruptedException {
        return run(env, stdin, mailerJar(), args);
    }

    /** Runs the jar in {@link #workDir} with a clean environment plus {@code env}, and waits for it to end. */
    private Result run(Map<String, String> env, String stdin, Path jar, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        // nothing of the build's environment may decide where mail goes
        builder.environment().keySet().removeIf(name -> name.startsWith("SMTP_") || name.startsWith("MAILER_") || name.equals("MAIL_DEBUG"));
        builder.environment().putAll(env);
        Path out = Files.createTempFile(workDir, "stdout-", ".txt");
        Path err = Files.createTempFile(workDir, "stderr-", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        processes.add(process);
        if (stdin != null) {
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }
        process.getOutputStream().close();
        boolean ended = process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Result result = new Result(ended ? process.exitValue() : -1, Files.readString(out), Files.readString(err));
        assertTrue(ended, "still running after " + PROCESS_TIMEOUT_SECONDS + " s: " + result);
        return result;
    }

    static String javaExecutable() {
        // the JDK running this test, which is the one of the build
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    static Path mailerJar() {
        String jar = System.getProperty("mailer.jar");
        assertNotNull(jar, "system property mailer.jar (set by failsafe)");
        Path path = Path.of(jar);
        assertTrue(Files.isRegularFile(path), path + " is missing: run mvn package first");
        return path;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static List<Path> emlFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".eml")).sorted().collect(Collectors.toList());
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static final class Result {
        final int exit;
        final String stdout;
        final String stderr;

        Result(int exit, String stdout, String stderr) {
            this.exit = exit;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }
}
