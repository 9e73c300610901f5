package dev.mailer.it.oauth;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A real OAuth2 server with the device authorization grant (RFC 8628) for the tests: Spring
 * Authorization Server from the module {@code test-authorization-server}, run as a child process
 * with its own class path ({@code target/classes} plus {@code target/classpath.txt} of that module),
 * so none of its libraries meets this JVM's. It binds 127.0.0.1 on a free port; its issuer is
 * {@code http://127.0.0.1:PORT}.
 * <ul>
 * <li>the mail client ({@link Builder#clientId}): confidential (client_secret_post and _basic),
 * grants device_code, authorization_code (PKCE required unless {@link Builder#requirePkce}(false)),
 * refresh_token (rotated on every use) and client_credentials, no consent page;</li>
 * <li>one user ({@link Builder#username}) who logs in through a form; access tokens are JWTs with
 * {@code sub} = that username;</li>
 * <li>introspection at {@code <iss>/introspect} for the client {@code test-smtp-server:introspection}
 * (what {@code Xoauth2Mechanism} sends).</li>
 * </ul>
 * {@link #approveDeviceCode} and {@link #authorizeInBrowser} play the user in a browser. The child's
 * output goes to {@link #logFile()}, whose content failure messages include. Outside Felix only.
 */
public final class DeviceFlowServer implements AutoCloseable {

    /** Overrides where the module's build output is ({@code .../test-authorization-server/target}). */
    public static final String MODULE_TARGET_PROPERTY = "mailer.it.authserver.target";
    /** The client the SMTP test server introspects with. */
    public static final String INTROSPECTION_CLIENT_ID = "test-smtp-server";
    public static final String INTROSPECTION_CLIENT_SECRET = "introspection";

    private static final String MAIN_CLASS = "dev.mailer.testauthserver.TestAuthorizationServer";
    private static final String LISTENING = "LISTENING ";
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(10);
    /** What the child may inherit: nothing that configures Spring Boot (SPRING_*, SERVER_*, ...) or the JVM. */
    private static final Set<String> INHERITED = Set.of("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ");
    private static final Pattern CSRF_INPUT = Pattern.compile("<input[^>]*name=\"_csrf\"[^>]*value=\"([^\"]*)\"");
    private static final String LOGIN_PATH = "/login";
    private static final int MAX_BROWSER_STEPS = 10;

    private final Builder settings;
    private final Process process;
    private final Thread outputPump;
    private final Path logFile;
    private String issuer;

    private DeviceFlowServer(Builder settings, Process process, Thread outputPump, Path logFile) {
        this.settings = settings;
        this.process = process;
        this.outputPump = outputPump;
        this.logFile = logFile;
    }

    /** Settings for a server whose log file goes to {@code workDir}. */
    public static Builder builder(Path workDir) {
        return new Builder(workDir);
    }

    /** {@code http://127.0.0.1:PORT}: the tokens' {@code iss}, and the base of every endpoint. */
    public String issuer() {
        return issuer;
    }

    public String tokenUrl() {
        return issuer + "/oauth2/token";
    }

    public String authorizationUrl() {
        return issuer + "/oauth2/authorize";
    }

    public String deviceAuthorizationUrl() {
        return issuer + "/oauth2/device_authorization";
    }

    /** The {@code verification_uri} of the device flow, where the user enters the code. */
    public String deviceVerificationUrl() {
        return issuer + "/oauth2/device_verification";
    }

    public String introspectionUrl() {
        return issuer + "/introspect";
    }

    public String clientId() {
        return settings.clientId;
    }

    public String clientSecret() {
        return settings.clientSecret;
    }

    public String username() {
        return settings.username;
    }

    /** Where the child's stdout and stderr go. */
    public Path logFile() {
        return logFile;
    }

    /** The child's output so far, for failure messages. */
    public String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(the log " + logFile + " cannot be read: " + e + ")";
        }
    }

    /**
     * Approves a device code as the user would: opens {@code verification_uri_complete} in a new
     * browser session, logs in through the form it is sent to, and expects to land on the page of
     * an approved code ({@code /?success}, Spring's default). No consent page: the server holds the
     * user's consent to the client's scopes from the start (Spring's device verification would show
     * its consent page otherwise, whatever the client's settings say).
     */
    public void approveDeviceCode(String userCode) throws IOException, InterruptedException {
        URI verification = URI.create(deviceVerificationUrl() + "?user_code=" + encode(userCode));
        new Browser().browse(verification, location -> location.getPath().equals("/")
                && "success".equals(location.getQuery()));
    }

    /**
     * Opens an authorization request in a new browser session, logs in, and returns where the
     * server finally redirects outside itself: the client's {@code redirect_uri} with {@code code}
     * and {@code state} (or {@code error}). That URL is not requested: the caller delivers it to
     * its listener.
     */
    public String authorizeInBrowser(URI authorizationRequest) throws IOException, InterruptedException {
        return new Browser().browse(authorizationRequest, location -> !location.toString().startsWith(issuer + "/"))
                .toString();
    }

    /** Stops the child (SIGTERM, then kill after a deadline) and waits for it to end. */
    @Override
    public void close() throws InterruptedException {
        try {
            process.getOutputStream().close(); // the child also ends on its own when stdin closes
        } catch (IOException e) {
            // already closed: destroy() below still ends it
        }
        process.destroy();
        if (!process.waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        }
        outputPump.join(STOP_DEADLINE.toMillis());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static Path moduleTarget() {
        String override = System.getProperty(MODULE_TARGET_PROPERTY);
        if (override != null && !override.isBlank()) {
            return Path.of(override).toAbsolutePath().normalize();
        }
        // failsafe sets basedir to it.tests; the module sits beside it
        Path itTests = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        return itTests.resolve("../test-authorization-server/target").toAbsolutePath().normalize();
    }

    private void start(Duration deadline, CompletableFuture<String> listening) throws IOException, InterruptedException {
        try {
            issuer = listening.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            close();
            throw new AssertionError("The authorization server did not say " + LISTENING.trim() + " within "
                    + deadline.toSeconds() + " s; it was stopped. Its output (" + logFile + "):\n" + log());
        } catch (ExecutionException e) {
            close();
            throw new AssertionError("The authorization server ended before it listened (exit "
                    + process.exitValue() + "). Its output (" + logFile + "):\n" + log(), e.getCause());
        }
    }

    /** The server's settings; {@link #start()} runs it. */
    public static final class Builder {
        private final Path workDir;
        private String clientId = "mailer-it-device-app";
        private String clientSecret = "mailer-it-device-secret";
        private List<String> redirectUris = List.of("http://127.0.0.1/oauth2/callback");
        private List<String> scopes = List.of("SMTP.Send", "offline_access");
        private String username = "alice@example.test";
        private String password = "alice-password";
        private Duration accessTokenLifetime = Duration.ofMinutes(5);
        private Duration devicePollInterval = Duration.ofSeconds(1);
        private boolean requirePkce = true;
        private Duration startDeadline = Duration.ofSeconds(60);

        private Builder(Path workDir) {
            this.workDir = workDir;
        }

        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        public Builder clientSecret(String clientSecret) {
            this.clientSecret = clientSecret;
            return this;
        }

        /**
         * The client's redirect URIs. For a loopback IP ({@code http://127.0.0.1/oauth2/callback},
         * the default) any port matches, as RFC 8252 asks; a {@code localhost} URI must match
         * exactly, port included.
         */
        public Builder redirectUris(String... redirectUris) {
            this.redirectUris = List.of(redirectUris);
            return this;
        }

        /** The scopes the client may ask for (default {@code SMTP.Send offline_access}). */
        public Builder scopes(String... scopes) {
            this.scopes = List.of(scopes);
            return this;
        }

        public Builder username(String username) {
            this.username = username;
            return this;
        }

        public Builder password(String password) {
            this.password = password;
            return this;
        }

        public Builder accessTokenLifetime(Duration accessTokenLifetime) {
            this.accessTokenLifetime = accessTokenLifetime;
            return this;
        }

        /**
         * The {@code interval} the device authorization response names (default 1 s; whole seconds).
         * The server does not enforce it: it never answers {@code slow_down}.
         */
        public Builder devicePollInterval(Duration devicePollInterval) {
            this.devicePollInterval = devicePollInterval;
            return this;
        }

        /** Whether authorization code requests must carry a PKCE challenge (default true). */
        public Builder requirePkce(boolean requirePkce) {
            this.requirePkce = requirePkce;
            return this;
        }

        /** How long the child may take to listen (normally 3-5 s; more on a busy machine). */
        public Builder startDeadline(Duration startDeadline) {
            this.startDeadline = startDeadline;
            return this;
        }

        /** Starts the server and waits until it listens; fails with its output when it does not. */
        public DeviceFlowServer start() throws IOException, InterruptedException {
            Path target = moduleTarget();
            Path classes = target.resolve("classes");
            Path classpathFile = target.resolve("classpath.txt");
            if (!Files.isDirectory(classes) || !Files.isRegularFile(classpathFile)) {
                throw new IllegalStateException("The test authorization server is not built (" + classes + ", "
                        + classpathFile + "): run `mvn -B -pl test-authorization-server install` first"
                        + " (a reactor `mvn verify` builds it before it.tests)");
            }
            String classpath = classes + File.pathSeparator
                    + Files.readString(classpathFile, StandardCharsets.UTF_8).trim();

            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // a test server: quick start and a small heap matter more than peak speed
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                    "-cp", classpath, MAIN_CLASS));
            Map<String, String> args = new LinkedHashMap<>();
            args.put("client-id", clientId);
            args.put("client-secret", clientSecret);
            args.put("redirect-uris", String.join(",", redirectUris));
            args.put("scopes", String.join(",", scopes));
            args.put("username", username);
            args.put("password", password);
            args.put("access-token-ttl", accessTokenLifetime.toMillis() + "ms");
            args.put("device-poll-interval", devicePollInterval.toSeconds() + "s");
            args.put("require-pkce", Boolean.toString(requirePkce));
            args.put("exit-with-stdin", "true");
            args.forEach((name, value) -> command.add("--test-as." + name + "=" + value));

            Files.createDirectories(workDir);
            Path logFile = Files.createTempFile(workDir, "authorization-server-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
            builder.environment().keySet().retainAll(INHERITED);
            Process process = builder.start();

            CompletableFuture<String> listening = new CompletableFuture<>();
            Thread pump = new Thread(() -> copyOutput(process, logFile, listening), "authorization-server-output");
            pump.setDaemon(true);
            pump.start();
            DeviceFlowServer server = new DeviceFlowServer(this, process, pump, logFile);
            server.start(startDeadline, listening);
            return server;
        }

        /** Copies the child's output to the log file, completing {@code listening} with the URL it announces. */
        private static void copyOutput(Process process, Path logFile, CompletableFuture<String> listening) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                    BufferedWriter log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    log.write(line);
                    log.newLine();
                    log.flush();
                    if (line.startsWith(LISTENING)) {
                        listening.complete(line.substring(LISTENING.length()).trim());
                    }
                }
            } catch (IOException e) {
                listening.completeExceptionally(e);
            }
            listening.completeExceptionally(new IOException("the output ended"));
        }
    }

    /**
     * A browser session: cookies kept, redirects followed one by one (so the walk can stop before
     * leaving the server), and the login form filled in with its CSRF token whenever the server
     * shows it.
     */
    private final class Browser {
        private final HttpClient http = HttpClient.newBuilder()
                .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(HTTP_TIMEOUT)
                .build();

        /** Follows redirects from {@code start} and returns the first location {@code done} accepts. */
        URI browse(URI start, Predicate<URI> done) throws IOException, InterruptedException {
            List<String> steps = new ArrayList<>();
            URI uri = start;
            for (int step = 0; step < MAX_BROWSER_STEPS; step++) {
                HttpResponse<String> response = send(HttpRequest.newBuilder(uri).GET());
                steps.add("GET " + uri + " -> " + response.statusCode());
                if (response.statusCode() == 200 && LOGIN_PATH.equals(uri.getPath())) {
                    response = logIn(uri, response);
                    steps.add("POST " + uri + " -> " + response.statusCode());
                }
                URI location = redirect(uri, response, steps);
                if (LOGIN_PATH.equals(location.getPath()) && location.getQuery() != null && location.getQuery().contains("error")) {
                    throw failure("The server refused the login of " + settings.username, steps, null);
                }
                if (done.test(location)) {
                    return location;
                }
                uri = location;
            }
            throw failure("The browser gave up after " + MAX_BROWSER_STEPS + " pages", steps, null);
        }

        /** Submits the login form: the user's name and password, and the form's CSRF token. */
        private HttpResponse<String> logIn(URI loginPage, HttpResponse<String> page) throws IOException, InterruptedException {
            Matcher csrf = CSRF_INPUT.matcher(page.body());
            if (!csrf.find()) {
                throw new AssertionError("No _csrf field in the login page " + loginPage + ":\n" + page.body());
            }
            Map<String, String> form = new LinkedHashMap<>();
            form.put("username", settings.username);
            form.put("password", settings.password);
            form.put("_csrf", csrf.group(1));
            String body = form.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                    .collect(Collectors.joining("&"));
            return send(HttpRequest.newBuilder(loginPage)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
        }

        private URI redirect(URI from, HttpResponse<String> response, List<String> steps) {
            int status = response.statusCode();
            String location = response.headers().firstValue("Location").orElse(null);
            if (status < 300 || status > 399 || location == null) {
                throw failure("Expected a redirect, got HTTP " + status, steps, response.body());
            }
            return from.resolve(location);
        }

        private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
            // as a browser asks: the server then answers a missing login with its form, not with 401
            request.header("Accept", "text/html,application/xhtml+xml").timeout(HTTP_TIMEOUT);
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }

        private AssertionError failure(String what, List<String> steps, String body) {
            return new AssertionError(what + ". Steps:\n  " + String.join("\n  ", steps)
                    + (body == null ? "" : "\nLast page:\n" + body)
                    + "\nThe server's log (" + logFile + "):\n" + log());
        }
    }
}
