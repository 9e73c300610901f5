package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;

import dev.mailer.api.MailService;
import dev.mailer.api.OAuthConfigurationProvider;
import dev.mailer.api.oauth.OAuthTokenManager;
import dev.mailer.api.oauth.TokenStatus;
import dev.mailer.it.oauth.Issuers;
import dev.mailer.it.oauth.TokenRelay.Exchange;
import dev.mailer.testsupport.smtp.Xoauth2Mechanism.Attempt;
import dev.mailer.it.support.Await;
import dev.mailer.it.support.ItPaths;
import dev.mailer.it.support.LogFile;
import dev.mailer.it.support.Services;
import dev.mailer.it.support.WebContainer;
import dev.mailer.it.web.BasicLoginContext;
import dev.mailer.testsupport.net.Http;
import dev.mailer.testsupport.pki.TestPki;
import dev.mailer.testsupport.smtp.TestSmtpServer.ReceivedMessage;

/**
 * The browser sign-in of mailer-oauth-web, as an admin of AEM does it, on a real HTTP Whiteboard
 * (Felix HTTP Jetty): {@code /services/mailer/oauth2/authorize} shows a confirmation whose button
 * POSTs a single-use nonce back; that POST sends the browser to the provider (mock-oauth2-server's
 * authorization endpoint, state, PKCE and {@code prompt=select_account}, so it shows its login form,
 * where the test picks the mailbox), the provider sends it back
 * to {@code /services/mailer/oauth2/token}, which has the code exchanged (through {@code TokenRelay})
 * and the refresh token stored; then mail goes out with XOAUTH2 on tokens of that sign-in. A request
 * another site could make the admin's browser send (a GET, a POST without the nonce) starts nothing.
 *
 * <p>{@link BasicLoginContext} stands in for Sling's login: Basic credentials of {@code admin}
 * and {@code editor}, anonymous requests let through without a user (the servlets must refuse
 * them). The servlets are disabled until their configuration exists; each test that needs them
 * creates it, selecting that context.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AuthorizationServletIT extends OAuthTestSupport {

    private static final String SERVLETS_PID = "dev.mailer.oauth.web.impl.OAuthAuthorizationServlets";
    private static final String WEB_BUNDLE = "dev.mailer.mailer-oauth-web";
    private static final String LOGIN_CONTEXT = "mailer-it-admin";
    private static final String AUTHORIZE_PATH = "/services/mailer/oauth2/authorize";
    private static final String TOKEN_PATH = "/services/mailer/oauth2/token";
    private static final String ADMIN = "admin";
    private static final String EDITOR = "editor";

    private String admin;
    private String editor;
    private ServiceRegistration<?> login;

    /** Driver side: the container of the OAuth tests plus Felix HTTP Jetty and mailer-oauth-web. */
    @Override
    @Configuration
    public Option[] configuration() {
        return WebContainer.withHttp(super.configuration());
    }

    @Before
    public void registerLogin() {
        String adminPassword = TestPki.randomPassword();
        String editorPassword = TestPki.randomPassword();
        admin = Http.basic(ADMIN, adminPassword);
        editor = Http.basic(EDITOR, editorPassword);
        secrets.addAll(List.of(adminPassword, editorPassword, admin, editor));
        login = BasicLoginContext.register(context, LOGIN_CONTEXT, Map.of(ADMIN, adminPassword, EDITOR, editorPassword));
    }

    @After
    public void disableServletsAndLogin() throws IOException {
        try {
            if (configAdmin().listConfigurations("(service.pid=" + SERVLETS_PID + ")") != null) {
                configAdmin().getConfiguration(SERVLETS_PID, "?").delete();
                awaitStatus(404, "the servlets to go away with their configuration");
            }
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        } finally {
            login.unregister();
        }
    }

    @Test
    public void withoutConfigurationNothingIsServed() throws Exception {
        assertEquals("mailer-oauth-web resolved and started", Bundle.ACTIVE, webBundle().getState());

        for (String path : List.of(AUTHORIZE_PATH, TOKEN_PATH)) {
            assertEquals("disabled by default: " + path, 404, Http.get(url(path), admin).status());
        }
    }

    @Test
    public void onlyAnAuthenticatedAllowedUserGetsIn() throws Exception {
        installTokenProvider();
        enableServlets();

        for (String path : List.of(AUTHORIZE_PATH, TOKEN_PATH)) {
            Http.Response anonymous = Http.get(url(path) + "?user=" + ADMIN);
            assertEquals("no container user (a query parameter is no identity): " + anonymous, 401, anonymous.status());
            assertThat(anonymous.body(), containsString("Sign in to this instance"));
            assertEquals("no-store", anonymous.header("Cache-Control"));

            Http.Response wrongPassword = Http.get(url(path), Http.basic(ADMIN, "wrong"));
            assertEquals("the container's login refuses: " + wrongPassword, 401, wrongPassword.status());
            assertNotNull(wrongPassword.header("WWW-Authenticate"));

            Http.Response notAllowed = Http.get(url(path), editor);
            assertEquals("a user not in allowed.users: " + notAllowed, 403, notAllowed.status());
            assertThat(notAllowed.body(), containsString("allowed.users"));
            assertThat(notAllowed.body(), containsString("User editor may not"));
        }
        // the confirmation's POST is checked the same way, before its nonce
        Map<String, String> form = Map.of("nonce", "any");
        assertEquals("POST without a container user", 401, Http.post(url(AUTHORIZE_PATH), null, form).status());
        Http.Response notAllowed = Http.post(url(AUTHORIZE_PATH), editor, form);
        assertEquals("POST of a user not in allowed.users: " + notAllowed, 403, notAllowed.status());
        assertThat(notAllowed.body(), containsString("User editor may not"));
        assertEquals("no token request: " + tokenEndpoint.exchanges(), 0, tokenEndpoint.count());
    }

    @Test
    public void aRequestAnotherSiteCanForgeStartsNoSignIn() throws Exception {
        installTokenProvider();
        enableServlets();

        // what an img, iframe or link on another site makes the signed-in admin's browser send
        Http.Response get = Http.get(url(AUTHORIZE_PATH), admin);
        assertEquals("a GET only shows the confirmation: " + get, 200, get.status());
        assertNull("no redirect to the provider", get.header("Location"));
        // what a form on another site can post: it cannot read the page, so it has no nonce
        for (Map<String, String> form : List.of(Map.<String, String>of(), Map.of("nonce", "A".repeat(43)))) {
            Http.Response forged = Http.post(url(AUTHORIZE_PATH), admin, form);
            assertEquals("a POST without the page's nonce: " + forged, 403, forged.status());
            assertNull("no redirect to the provider", forged.header("Location"));
            assertThat(forged.body(), containsString("Open the authorize page again"));
            assertEquals("no-store", forged.header("Cache-Control"));
        }
        assertEquals("no token request: " + tokenEndpoint.exchanges(), 0, tokenEndpoint.count());
    }

    @Test
    public void anAdminSignsTheMailboxInFromTheBrowserAndMailGoesOutWithTheStoredRefreshToken() throws Exception {
        MailService mail = installTokenProvider();
        enableServlets();

        SignIn signIn = signIn();

        // the authorization request the browser was sent to
        Map<String, String> request = signIn.authorizationRequest;
        assertEquals("code", request.get("response_type"));
        assertEquals(clientId(), request.get("client_id"));
        assertEquals("redirect.uri of the servlets", url(TOKEN_PATH), request.get("redirect_uri"));
        assertEquals("S256", request.get("code_challenge_method"));
        assertTrue("a SHA-256, base64url: " + request.get("code_challenge"), request.get("code_challenge").matches("[A-Za-z0-9_-]{43}"));
        assertTrue("a state: " + request.get("state"), request.get("state").length() >= 16);
        assertEquals("the provider shows its account picker", "select_account", request.get("prompt"));

        // the page
        Http.Response page = signIn.page;
        assertThat(page.body(), containsString("Signed in: the refresh token is stored"));
        assertThat(page.body(), containsString(clientId()));
        assertThat(page.body(), containsString("AUTHORIZED"));
        assertEquals("no-store", page.header("Cache-Control"));

        // the code exchange: the code of the redirect, with the verifier of the challenge
        List<Exchange> exchanges = tokenEndpoint.exchanges();
        assertEquals("one token request, the code exchange: " + exchanges, 1, exchanges.size());
        Exchange exchange = exchanges.get(0);
        String verifier = exchange.form("code_verifier");
        secrets.add(verifier);
        assertEquals("authorization_code", exchange.grantType());
        assertTrue("the code of the provider's redirect", signIn.code.equals(exchange.form("code")));
        assertEquals(url(TOKEN_PATH), exchange.form("redirect_uri"));
        assertNotNull("a PKCE verifier", verifier);
        assertEquals("the verifier belongs to the challenge", request.get("code_challenge"), s256(verifier));
        assertEquals("the server checked the verifier and issued tokens", 200, exchange.status());
        String refreshToken = exchange.refreshToken();
        assertNotNull("a refresh token was issued", refreshToken);
        List<String> shown = new ArrayList<>(tokenEndpoint.secretsSeen());
        shown.addAll(List.of(signIn.code, verifier));
        for (String secret : shown) {
            assertThat("the page shows no token, code or secret", page.body(), not(containsString(secret)));
        }
        TokenStatus status = context.getService(Services.await(context, OAuthTokenManager.class, null, deadline(),
                () -> "the token manager")).getStatus();
        assertEquals(TokenStatus.RefreshTokenSource.AUTHORIZED, status.getRefreshTokenSource());
        assertThat("who signed in is logged", LogFile.read(), containsString(ADMIN + " signed the mailbox in"));

        // the access token of the exchange is cached and sends the first mail
        send(mail, simpleMail("after the browser sign-in", "jane@example.com"));
        // once it is dropped (as after a 535), the stored refresh token obtains the next
        provider().invalidateAccessToken(exchange.accessToken());
        send(mail, simpleMail("with a refreshed token", "jane@example.com"));

        List<ReceivedMessage> received = smtp.awaitMessages(2, deadline());
        for (ReceivedMessage message : received) {
            assertEquals("authenticated as the mailbox", USER, message.authenticatedUser());
        }
        exchanges = tokenEndpoint.exchanges();
        assertEquals("the code exchange, then one refresh: " + exchanges, 2, exchanges.size());
        Exchange refresh = exchanges.get(1);
        assertEquals("refresh_token", refresh.grantType());
        assertTrue("the refresh token of the sign-in was sent", refreshToken.equals(refresh.refreshTokenSent()));
        List<Attempt> attempts = xoauth2.attempts();
        assertEquals(attempts.toString(), 2, attempts.size());
        assertTrue("first mail: the token of the code exchange", exchange.accessToken().equals(attempts.get(0).token()));
        assertTrue("second mail: the refreshed token", refresh.accessToken().equals(attempts.get(1).token()));
    }

    @Test
    public void aReplayedCallbackIsRefusedAndNothingIsExchanged() throws Exception {
        installTokenProvider();
        enableServlets();
        SignIn signIn = signIn();

        Http.Response replay = Http.get(signIn.callback, admin);

        assertEquals("the same state again: " + replay, 400, replay.status());
        assertThat(replay.body(), containsString("unknown or expired"));
        assertEquals("no-store", replay.header("Cache-Control"));
        assertEquals("only the first callback reached the token endpoint: " + tokenEndpoint.exchanges(), 1, tokenEndpoint.count());

        Http.Response again = Http.post(url(AUTHORIZE_PATH), admin, Map.of("nonce", signIn.nonce));
        assertEquals("the same confirmation again: " + again, 403, again.status());
        assertNull("no second sign-in started", again.header("Location"));
    }

    /**
     * The steps of the browser: authorize and its confirmation (as admin), the provider's account
     * picker, the callback (as admin).
     */
    private SignIn signIn() throws IOException {
        Http.Response confirmation = Http.get(url(AUTHORIZE_PATH), admin);
        assertEquals("authorize shows the confirmation: " + confirmation, 200, confirmation.status());
        assertEquals("no-store", confirmation.header("Cache-Control"));
        assertThat(confirmation.body(), containsString("the mailbox that sends"));
        String nonce = confirmation.hiddenInput("nonce");
        assertTrue("a base64url nonce of 256 bits: " + nonce, nonce.matches("[A-Za-z0-9_-]{43}"));

        Http.Response start = Http.post(url(AUTHORIZE_PATH), admin, Map.of("nonce", nonce));
        assertEquals("the confirmation redirects to the provider: " + start, 302, start.status());
        assertEquals("no-store", start.header("Cache-Control"));
        String providerUrl = start.location();
        assertTrue(providerUrl, providerUrl.startsWith(authUrl() + "?"));

        // prompt=select_account: the provider asks which account (mock-oauth2-server: its login form, which
        // posts back to the same address); the admin picks the mailbox, and the browser is sent back
        Http.Response picker = Http.get(providerUrl);
        assertEquals("the provider asks for the account instead of answering at once: " + picker, 200, picker.status());
        assertThat(picker.body(), containsString("name=\"username\""));
        String callback = Http.post(providerUrl, null, Map.of("username", Issuers.MAILBOX)).location();
        assertTrue("back to the token servlet", callback.startsWith(url(TOKEN_PATH) + "?"));
        Map<String, String> answer = Http.query(callback);
        String code = answer.get("code");
        assertNotNull("a code in the redirect", code);
        secrets.add(code);
        Map<String, String> request = Http.query(providerUrl);
        assertEquals("the state comes back", request.get("state"), answer.get("state"));

        Http.Response page = Http.get(callback, admin);
        assertEquals("the token servlet: " + page, 200, page.status());
        return new SignIn(nonce, request, callback, code, page);
    }

    /**
     * The mail service of the office365 profile, and a token provider for the browser sign-in:
     * authUrl at mock-oauth2-server (its authorization endpoint needs the openid scope), tokenUrl at
     * TokenRelay, no refresh token yet.
     */
    private MailService installTokenProvider() throws IOException {
        Path mailService = ItPaths.profilesDir().resolve(OFFICE365).resolve(PID + ".cfg.json");
        install(PID + ".cfg.json", Files.readString(mailService, StandardCharsets.UTF_8));
        install(OAUTH_PID + ".cfg.json", "{\n"
                + "  \"grantType\": \"refresh_token\",\n"
                + "  \"authUrl\": \"" + authUrl() + "\",\n"
                + "  \"tokenUrl\": \"$[env:OAUTH_TOKEN_URL]\",\n"
                + "  \"clientId\": \"$[env:OAUTH_CLIENT_ID]\",\n"
                + "  \"clientSecret\": \"$[secret:" + CLIENT_SECRET_FILE + "]\",\n"
                + "  \"scopes\": [\"openid\", \"" + Issuers.SMTP_SCOPE + "\", \"offline_access\"],\n"
                + "  \"authCodeRedirectUrl\": \"" + url(TOKEN_PATH) + "\"\n"
                + "}\n");
        Services.await(context, OAuthConfigurationProvider.class, "(grantType=refresh_token)", deadline(),
                () -> "the token provider to run with the configuration in " + watchedDir());
        return context.getService(Services.await(context, MailService.class,
                "(&(oauth.flow=true)(smtp.port=" + env("SMTP_PORT") + "))", deadline(),
                () -> "the mail service to run with the office365 profile in " + watchedDir()));
    }

    /** The servlets' configuration: admin only, the test's login context, the token servlet as redirect URI. */
    private void enableServlets() throws IOException {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("allowed.users", new String[] {ADMIN});
        properties.put("osgi.http.whiteboard.context.select", "(osgi.http.whiteboard.context.name=" + LOGIN_CONTEXT + ")");
        properties.put("redirect.uri", url(TOKEN_PATH));
        configAdmin().getConfiguration(SERVLETS_PID, "?").update(properties);
        // served once an anonymous request reaches the servlet (401) rather than nothing (404)
        awaitStatus(401, "the servlets to be served in the context " + LOGIN_CONTEXT);
    }

    /** Waits until an anonymous GET of both servlets' paths is answered {@code status}. */
    private void awaitStatus(int status, String what) {
        for (String path : List.of(AUTHORIZE_PATH, TOKEN_PATH)) {
            Await.until(() -> {
                try {
                    return Http.get(url(path)).status() == status;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, deadline(), () -> what + " (" + path + " answering " + status + ")");
        }
    }

    /** Puts a .cfg.json into the watched folder, whole (FileInstall must never see half a file). */
    private void install(String name, String content) throws IOException {
        Path temp = watchedDir().resolve(name + ".part");
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        Files.move(temp, watchedDir().resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private OAuthConfigurationProvider provider() {
        return context.getService(Services.await(context, OAuthConfigurationProvider.class, null, deadline(), () -> "the token provider"));
    }

    private Bundle webBundle() {
        for (Bundle bundle : context.getBundles()) {
            if (WEB_BUNDLE.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError(WEB_BUNDLE + " is not installed");
    }

    /** The authorization endpoint of the issuer TokenRelay sends the code exchange to. */
    private static String authUrl() {
        return oauthServer() + "/" + Issuers.OFFICE365.id() + "/authorize";
    }

    private String url(String path) {
        return WebContainer.baseUrl(context) + path;
    }

    private static String s256(String verifier) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    /**
     * What a completed sign-in left: the confirmation's nonce, the authorization request's
     * parameters, the callback, its code, the page.
     */
    private static final class SignIn {
        final String nonce;
        final Map<String, String> authorizationRequest;
        final String callback;
        final String code;
        final Http.Response page;

        SignIn(String nonce, Map<String, String> authorizationRequest, String callback, String code, Http.Response page) {
            this.nonce = nonce;
            this.authorizationRequest = authorizationRequest;
            this.callback = callback;
            this.code = code;
            this.page = page;
        }
    }
}
