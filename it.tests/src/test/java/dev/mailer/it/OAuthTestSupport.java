package dev.mailer.it;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.json.JSONObject;
import org.junit.After;
import org.junit.Before;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

import dev.mailer.api.MailService;
import dev.mailer.api.OAuthConfigurationProvider;
import dev.mailer.it.oauth.Issuers;
import dev.mailer.it.oauth.OAuthFlows;
import dev.mailer.it.oauth.OAuthServerHost;
import dev.mailer.it.oauth.TokenRelay;
import dev.mailer.testsupport.smtp.Xoauth2Mechanism;
import dev.mailer.it.support.ContainerSetup;
import dev.mailer.it.support.Await;
import dev.mailer.it.support.ItPaths;
import dev.mailer.it.support.Secrets;
import dev.mailer.it.support.Services;
import dev.mailer.testsupport.pki.TestPki;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * What the OAuth2 / XOAUTH2 tests share. Outside Felix, the real OAuth2 server
 * (mock-oauth2-server, {@link OAuthServerHost}) is started by {@link #configuration()}, which Pax
 * Exam runs in the test JVM before the framework. Inside Felix, for every test:
 * <ul>
 * <li>{@link TokenRelay} at {@code OAUTH_TOKEN_URL} (the reserved port): the token endpoint of the
 * profiles, in front of the real server, recording every token request;</li>
 * <li>{@link TestSmtpServer} at {@code SMTP_PORT}: STARTTLS, AUTH only after it, only XOAUTH2
 * ({@link Xoauth2Mechanism}: each token introspected at the real server), command lines limited
 * to 1000 octets;</li>
 * <li>a fresh client secret in the secret file {@code oauth_client_secret}, and the real provider
 * profile files of osgi-config ({@code mailer-profiles/office365}, {@code office365-app}) copied
 * into the folder FileInstall watches ({@link #installProfile}), a folder of this class's own.</li>
 * </ul>
 * After each test the profile files are removed (the components go away with their
 * configurations), and every token, refresh token and secret the token endpoint saw is added to the
 * values the log is checked for ({@code MAIL_DEBUG=true}: the protocol trace is in the log).
 */
public abstract class OAuthTestSupport extends MailerTestSupport {

    protected static final String OAUTH_PID = "dev.mailer.oauth.impl.OAuthConfigurationProviderImpl";
    protected static final String OAUTH_BUNDLE = "dev.mailer.mailer-oauth";
    /** Delegated access (grantType refresh_token), as AEM with Office 365. */
    protected static final String OFFICE365 = "office365";
    /** App-only access (grantType client_credentials), Exchange SMTP.SendAsApp. */
    protected static final String OFFICE365_APP = "office365-app";
    protected static final String CLIENT_SECRET_FILE = "oauth_client_secret";
    protected static final String REFRESH_TOKEN_FILE = "oauth_refresh_token";
    /** The scopes of the office365 profile (its default: OAUTH_SCOPES is not set). */
    protected static final String OFFICE365_SCOPES = "https://outlook.office.com/SMTP.Send offline_access";
    /** The scope of the office365-app profile (its default). */
    protected static final String OFFICE365_APP_SCOPE = "https://outlook.office365.com/.default";
    /** The command-line limit of the SMTP server, as on line-limited servers. */
    protected static final int SMTP_LINE_LIMIT = 1000;

    protected TokenRelay tokenEndpoint;
    protected Xoauth2Mechanism xoauth2;
    protected TestSmtpServer smtp;
    /** The client secret the token endpoint expects (also in the secret file, unless a test changes it). */
    protected String clientSecret;

    /** Driver side (test JVM, before Felix): the OAuth2 server, and an empty folder for FileInstall. */
    @Override
    @Configuration
    public Option[] configuration() {
        String oauthServer = OAuthServerHost.ensureStarted();
        Path configDir = ItPaths.workDir().resolve("config").resolve(getClass().getSimpleName());
        try {
            if (Files.exists(configDir)) {
                try (Stream<Path> files = Files.walk(configDir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(configDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare " + configDir, e);
        }
        List<Option> options = new ArrayList<>(List.of(ContainerSetup.options(getClass(), configDir, 100)));
        options.add(systemProperty(OAuthServerHost.URL_PROPERTY).value(oauthServer));
        return options.toArray(new Option[0]);
    }

    @Before
    public void startServers() throws Exception {
        clientSecret = TestPki.randomPassword();
        secrets.add(clientSecret);
        Secrets.write(ItPaths.secretsDir(), CLIENT_SECRET_FILE, clientSecret);
        tokenEndpoint = TokenRelay.start(URI.create(env("OAUTH_TOKEN_URL")), oauthServer()).registerClient(clientId(), clientSecret);
        xoauth2 = new Xoauth2Mechanism(oauthServer() + "/", Issuers.SMTP_SCOPE).grant(clientId(), USER);
        smtp = TestSmtpServer.builder()
                .port(Integer.parseInt(env("SMTP_PORT")))
                .startTls(pki().trustedServerContext())
                .authRequiresTls(true)
                .authenticateOnlyWith(xoauth2)
                .maxCommandLineLength(SMTP_LINE_LIMIT)
                .start();
    }

    @After
    public void stopServersAndCollectTokens() throws Exception {
        try {
            removeProfile();
        } finally {
            if (tokenEndpoint != null) {
                tokenEndpoint.close();
                secrets.addAll(tokenEndpoint.secretsSeen());
            }
            if (smtp != null) {
                smtp.close();
            }
            if (xoauth2 != null) {
                for (Xoauth2Mechanism.Attempt attempt : xoauth2.attempts()) {
                    if (attempt.token() != null) {
                        secrets.add(attempt.token());
                        // the XOAUTH2 client response as it goes over the wire
                        secrets.add(Base64.getEncoder().encodeToString(("user=" + attempt.user() + "\u0001auth=Bearer "
                                + attempt.token() + "\u0001\u0001").getBytes(StandardCharsets.UTF_8)));
                    }
                }
            }
        }
    }

    /** The base URL of the real OAuth2 server (outside Felix). */
    protected static String oauthServer() {
        String url = System.getProperty(OAuthServerHost.URL_PROPERTY);
        if (url == null) {
            throw new IllegalStateException("System property " + OAuthServerHost.URL_PROPERTY + " is not set: the OAuth2 server"
                    + " is started by the test class's @Configuration (OAuthTestSupport)");
        }
        return url;
    }

    /** The app registration's client ID (OAUTH_CLIENT_ID). */
    protected static String clientId() {
        return env("OAUTH_CLIENT_ID");
    }

    /** A refresh token of {@code issuer}, obtained as a user would (consent, code exchange). */
    protected String obtainRefreshToken(Issuers issuer) throws IOException {
        String token = OAuthFlows.obtainRefreshToken(oauthServer(), issuer, clientId(), clientSecret);
        secrets.add(token);
        return token;
    }

    /** Puts {@code refreshToken} into the secret file the office365 profile reads. */
    protected void useRefreshToken(String refreshToken) throws IOException {
        secrets.add(refreshToken);
        Secrets.write(ItPaths.secretsDir(), REFRESH_TOKEN_FILE, refreshToken);
    }

    /** Puts {@code secret} into the secret file both profiles read. */
    protected void useClientSecret(String secret) throws IOException {
        secrets.add(secret);
        Secrets.write(ItPaths.secretsDir(), CLIENT_SECRET_FILE, secret);
    }

    /** The folder FileInstall watches in this class's framework. */
    protected Path watchedDir() {
        return Path.of(context.getProperty("felix.fileinstall.dir"));
    }

    /**
     * Copies the .cfg.json files of a provider profile (as packaged in osgi-config) into the watched
     * folder and waits until the token provider and the mail service run with them.
     */
    protected MailService installProfile(String profile) throws IOException {
        return installProfile(profile, Map.of());
    }

    /** As {@link #installProfile(String)}, with {@code oauthSettings} put into the token provider's file. */
    protected MailService installProfile(String profile, Map<String, String> oauthSettings) throws IOException {
        Path source = ItPaths.profilesDir().resolve(profile);
        List<Path> files;
        try (Stream<Path> list = Files.list(source)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".cfg.json")).sorted().collect(Collectors.toList());
        }
        if (files.size() != 2) {
            throw new IllegalStateException("Expected the two .cfg.json files of profile " + profile + " in " + source + ", found " + files);
        }
        for (Path file : files) {
            // FileInstall must never see half a file: copy next to it under another name, then rename
            Path temp = watchedDir().resolve(file.getFileName() + ".part");
            if (file.getFileName().toString().startsWith(OAUTH_PID) && !oauthSettings.isEmpty()) {
                JSONObject json = new JSONObject(Files.readString(file, StandardCharsets.UTF_8));
                oauthSettings.forEach(json::put);
                Files.writeString(temp, json.toString(2), StandardCharsets.UTF_8);
            } else {
                Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(temp, watchedDir().resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        String grant = OFFICE365_APP.equals(profile) ? "client_credentials" : "refresh_token";
        Services.await(context, OAuthConfigurationProvider.class, "(grantType=" + grant + ")", deadline(),
                () -> "the token provider to run with the " + profile + " profile from " + watchedDir());
        ServiceReference<MailService> ref = Services.await(context, MailService.class,
                "(&(oauth.flow=true)(smtp.port=" + env("SMTP_PORT") + "))", deadline(),
                () -> "the mail service to run with the " + profile + " profile from " + watchedDir());
        return context.getService(ref);
    }

    /** Removes the profile's files and waits until both components are gone with their configurations. */
    protected void removeProfile() throws IOException {
        try (Stream<Path> list = Files.list(watchedDir())) {
            for (Path file : list.collect(Collectors.toList())) {
                Files.delete(file);
            }
        }
        // the configurations first: a service can be away for a moment (a reactivation, e.g. when a test removed the
        // CryptoService) while its configuration is still there, and the next test would find it back
        String ours = "(|(service.pid=" + PID + "*)(service.pid=" + OAUTH_PID + "*))";
        Await.until(() -> {
            try {
                return configAdmin().listConfigurations(ours) == null;
            } catch (IOException | InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
        }, deadline(), () -> "the configurations of the profile to be deleted after their files were");
        Services.awaitAbsent(context, MailService.class, null, deadline(), () -> "the mail service to go away with its configuration");
        Services.awaitAbsent(context, OAuthConfigurationProvider.class, null, deadline(),
                () -> "the token provider to go away with its configuration");
    }

    /** The mailer-oauth bundle. */
    protected Bundle oauthBundle() {
        for (Bundle bundle : context.getBundles()) {
            if (OAUTH_BUNDLE.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError(OAUTH_BUNDLE + " is not installed");
    }

    /** Stops and starts mailer-oauth, as an update or a restart of the instance would; waits for its service. */
    protected void restartOAuthBundle(String grantType) throws BundleException {
        Bundle bundle = oauthBundle();
        bundle.stop();
        Services.awaitAbsent(context, OAuthConfigurationProvider.class, null, deadline(), () -> "the token provider to stop");
        bundle.start();
        Services.await(context, OAuthConfigurationProvider.class, "(grantType=" + grantType + ")", deadline(),
                () -> "the token provider to come back after the restart of " + OAUTH_BUNDLE);
    }
}
