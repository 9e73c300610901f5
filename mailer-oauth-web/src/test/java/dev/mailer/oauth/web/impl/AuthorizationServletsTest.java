package dev.mailer.oauth.web.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.servlet.http.HttpServletRequest;

import org.junit.jupiter.api.Test;

import dev.mailer.api.MailException;
import dev.mailer.commons.testing.MutableClock;

/**
 * Both servlets with a fake token provider and fake requests: who gets in (the container's user,
 * never a parameter), what each answers, that only a confirmed POST starts a sign-in, and that no
 * token or code reaches a page.
 */
class AuthorizationServletsTest {

    private static final String ADMIN = "admin";
    private static final String OPS = "ops";
    private static final Pattern NONCE_FIELD = Pattern.compile("<input type=\"hidden\" name=\"nonce\" value=\"([^\"]*)\">");
    private static final String WITH_PROMPT = FakeTokenManager.PROVIDER_URL.toASCIIString() + "&prompt=select_account";

    private final FakeTokenManager manager = new FakeTokenManager();
    private final MutableClock clock = new MutableClock();

    @Test
    void withoutAContainerUserBothAnswer401AndTouchNothing() throws Exception {
        for (AdminServlet servlet : List.of(authorize(config("", ADMIN), manager), token(config("", ADMIN), manager))) {
            // a user named in the query is no identity
            FakeHttp.Response response = get(servlet, null, Map.of("user", new String[] {ADMIN}));

            assertEquals(401, response.status, response.toString());
            assertTrue(response.body().contains("Sign in to this instance"), response.body());
            assertEquals("no-store", response.header("Cache-Control"));
        }
        FakeHttp.Response post = post(authorize(config("", ADMIN), manager), null, "any");
        assertEquals(401, post.status, "the confirmation too: " + post);
        assertTrue(manager.redirectUris.isEmpty() && manager.callbacks.isEmpty(), "the token provider was not asked");
    }

    @Test
    void aUserNotInAllowedUsersGets403NamingTheSetting() throws Exception {
        for (AdminServlet servlet : List.of(authorize(config("", ADMIN, OPS), manager), token(config("", ADMIN, OPS), manager))) {
            FakeHttp.Response response = get(servlet, "editor", Map.of());

            assertEquals(403, response.status, response.toString());
            assertTrue(response.body().contains("allowed.users"), response.body());
            assertTrue(response.body().contains(OAuthAuthorizationServlets.PID), response.body());
            assertTrue(response.body().contains("editor"), response.body());
        }
        FakeHttp.Response post = post(authorize(config("", ADMIN, OPS), manager), "editor", "any");
        assertEquals(403, post.status, "the confirmation too: " + post);
        assertTrue(post.body().contains("allowed.users"), post.body());
        assertTrue(manager.redirectUris.isEmpty() && manager.callbacks.isEmpty(), "the token provider was not asked");
    }

    @Test
    void authorizeGetShowsAConfirmationWithANonceAndStartsNothing() throws Exception {
        AuthorizeServlet servlet = authorize(config("", ADMIN), manager);

        FakeHttp.Response response = get(servlet, ADMIN, Map.of());

        assertEquals(200, response.status, response.toString());
        assertNull(response.header("Location"), "no redirect to the provider");
        assertTrue(manager.redirectUris.isEmpty(), "no authorization started by a GET");
        String page = response.body();
        assertTrue(page.contains("as the mailbox that sends the mail, not as yourself"), page);
        assertTrue(page.contains("pick the mailbox"), page);
        assertTrue(page.contains("<form method=\"POST\" action=\"authorize\">"), page);
        assertTrue(page.contains("<button type=\"submit\">"), page);
        String nonce = nonce(response);
        assertTrue(nonce.matches("[A-Za-z0-9_-]{43}"), "256 bits, base64url: " + nonce);
        assertFalse(nonce.equals(nonce(get(servlet, ADMIN, Map.of()))), "a new nonce for each page");
        assertEquals("no-store", response.header("Cache-Control"));
        assertEquals("same-origin", response.header("Referrer-Policy"), "a Referer for the POST, as Sling's Referrer Filter wants");
        assertTrue(response.header("Content-Security-Policy").contains("frame-ancestors 'none'"), "the button cannot be framed");
    }

    @Test
    void authorizePostWithTheNonceRedirectsToTheProviderAskingForTheAccount() throws Exception {
        String redirect = "https://aem.example.com/services/mailer/oauth2/token";
        AuthorizeServlet servlet = authorize(config(" " + redirect + " ", OPS, ADMIN), manager);

        FakeHttp.Response response = post(servlet, ADMIN, nonce(get(servlet, ADMIN, Map.of())));

        assertEquals(302, response.status, response.toString());
        assertEquals(WITH_PROMPT, response.header("Location"), "the provider's URL, prompt=select_account appended");
        assertEquals("no-store", response.header("Cache-Control"));
        assertEquals("no-referrer", response.header("Referrer-Policy"));
        assertEquals(List.of(redirect), manager.redirectUris);
    }

    @Test
    void aPromptOfTheTokenProviderIsKept() throws Exception {
        manager.providerUrl = URI.create("https://accounts.example.com/o/oauth2/v2/auth?client_id=app&prompt=consent&state=s1");
        AuthorizeServlet servlet = authorize(config("", ADMIN), manager);

        FakeHttp.Response response = post(servlet, ADMIN, nonce(get(servlet, ADMIN, Map.of())));

        assertEquals(302, response.status, response.toString());
        assertEquals(manager.providerUrl.toASCIIString(), response.header("Location"));
    }

    @Test
    void aPostWithoutOrWithAnUnknownNonceIs403AndStartsNothing() throws Exception {
        AuthorizeServlet servlet = authorize(config("", ADMIN), manager);
        String issued = nonce(get(servlet, ADMIN, Map.of()));

        assertRefused(post(servlet, ADMIN, null), "no nonce, as a cross-site form sends");
        assertRefused(post(servlet, ADMIN, ""), "an empty nonce");
        assertRefused(post(servlet, ADMIN, issued.substring(1) + "A"), "a nonce never issued");
        assertTrue(manager.redirectUris.isEmpty(), "beginAuthorization never called");
    }

    @Test
    void aNonceWorksOnce() throws Exception {
        AuthorizeServlet servlet = authorize(config("", ADMIN), manager);
        String nonce = nonce(get(servlet, ADMIN, Map.of()));

        assertEquals(302, post(servlet, ADMIN, nonce).status);
        assertRefused(post(servlet, ADMIN, nonce), "the nonce again");
        assertEquals(1, manager.redirectUris.size(), "only the first POST started an authorization");
    }

    @Test
    void aNonceExpiresAfterTenMinutes() throws Exception {
        AuthorizeServlet servlet = authorize(config("", ADMIN), manager);
        String early = nonce(get(servlet, ADMIN, Map.of()));
        String late = nonce(get(servlet, ADMIN, Map.of()));

        clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        assertEquals(302, post(servlet, ADMIN, early).status, "valid until the tenth minute");
        clock.advance(Duration.ofSeconds(1));
        assertRefused(post(servlet, ADMIN, late), "ten minutes old");
        assertEquals(1, manager.redirectUris.size(), "only the nonce in time started an authorization");
    }

    @Test
    void aNonceOfAnotherUserIsRefusedAndSpent() throws Exception {
        AuthorizeServlet servlet = authorize(config("", ADMIN, OPS), manager);
        String ofOps = nonce(get(servlet, OPS, Map.of()));

        assertRefused(post(servlet, ADMIN, ofOps), "the nonce of ops, posted by admin");
        assertRefused(post(servlet, OPS, ofOps), "a nonce someone else presented has leaked");
        assertTrue(manager.redirectUris.isEmpty(), "beginAuthorization never called");
    }

    @Test
    void authorizeWithoutRedirectUriLeavesItToTheTokenProvider() throws Exception {
        AuthorizeServlet servlet = authorize(config("", ADMIN), manager);
        post(servlet, ADMIN, nonce(get(servlet, ADMIN, Map.of())));

        assertEquals(1, manager.redirectUris.size());
        assertNull(manager.redirectUris.get(0), "null: the token provider's authCodeRedirectUrl");
    }

    @Test
    void authorizeWithAnUnusableRedirectUriAnswers409NamingTheSetting() throws Exception {
        AuthorizeServlet servlet = authorize(config("$[env:AEM_URL]/services/mailer/oauth2/token", ADMIN), manager);

        FakeHttp.Response response = get(servlet, ADMIN, Map.of());

        assertEquals(409, response.status, response.toString());
        assertTrue(response.body().contains("redirect.uri"), response.body());
        assertFalse(NONCE_FIELD.matcher(response.body()).find(), "no confirmation that cannot work");
        assertEquals(409, post(servlet, ADMIN, "any").status);
        assertTrue(manager.redirectUris.isEmpty(), "no authorization started");
        assertNull(AuthorizeServlet.problem("http://127.0.0.1:8080/services/mailer/oauth2/token"));
        assertTrue(AuthorizeServlet.problem("/services/mailer/oauth2/token").contains("absolute"));
    }

    @Test
    void authorizeShowsTheTokenProvidersReasonEscaped() throws Exception {
        manager.failure = MailException.permanentFailure("authUrl is not set: <script>alert(1)</script> & more")
                .setting("authUrl").build();

        AuthorizeServlet servlet = authorize(config("", ADMIN), manager);
        FakeHttp.Response response = post(servlet, ADMIN, nonce(get(servlet, ADMIN, Map.of())));

        assertEquals(409, response.status, response.toString());
        assertTrue(response.body().contains("authUrl is not set: &lt;script&gt;alert(1)&lt;/script&gt; &amp; more"), response.body());
        assertFalse(response.body().contains("<script>"), response.body());
        assertTrue(response.contentType.startsWith("text/html"), response.contentType);
    }

    @Test
    void tokenPassesTheQueryToTheTokenProviderAndShowsTheStatusButNoSecret() throws Exception {
        String code = "0.AAAA-the-authorization-code";
        FakeHttp.Response response = get(token(config("", ADMIN), manager), ADMIN,
                Map.of("code", new String[] {code, "second"}, "state", new String[] {"s1"}, "session_state", new String[] {}));

        assertEquals(200, response.status, response.toString());
        assertEquals(List.of(Map.of("code", code, "state", "s1")), manager.callbacks, "first value of each parameter");
        String page = response.body();
        assertTrue(page.contains("Signed in: the refresh token is stored"), page);
        for (String fact : List.of("refresh_token", "app-123", "2030-01-02T03:04:05Z", "obtained by signing in (authorize), stored in the bundle data area (AUTHORIZED)", "SMTP.Send")) {
            assertTrue(page.contains(fact), fact + " in " + page);
        }
        assertFalse(page.contains(code), "the code is not shown");
        assertEquals("no-store", response.header("Cache-Control"));
        assertEquals("no-referrer", response.header("Referrer-Policy"));
    }

    @Test
    void tokenRefusalIs400WithTheMessageEscapedAndALinkToStartAgain() throws Exception {
        manager.failure = MailException.permanentFailure("This authorization response is unknown or expired <b>\"x\"</b>.").build();

        FakeHttp.Response response = get(token(config("", ADMIN), manager), ADMIN, Map.of("state", new String[] {"old"}));

        assertEquals(400, response.status, response.toString());
        String page = response.body();
        assertTrue(page.contains("unknown or expired &lt;b&gt;&quot;x&quot;&lt;/b&gt;."), page);
        assertTrue(page.contains("<a href=\"authorize\">"), page);
        assertEquals("no-store", response.header("Cache-Control"));
    }

    @Test
    void tokenEndpointDownIs502() throws Exception {
        manager.failure = MailException.transientFailure("The token endpoint did not answer within 10000 ms.").build();

        assertEquals(502, get(token(config("", ADMIN), manager), ADMIN, Map.of()).status);
    }

    @Test
    void withoutATokenProviderBothAnswer503SayingWhatToConfigure() throws Exception {
        for (AdminServlet servlet : List.of(authorize(config("", ADMIN), null), token(config("", ADMIN), null))) {
            FakeHttp.Response response = get(servlet, ADMIN, Map.of());

            assertEquals(503, response.status, response.toString());
            assertTrue(response.body().contains(AdminServlet.TOKEN_PROVIDER_PID), response.body());
        }
    }

    @Test
    void eachServletServesOnlyItsMethods() throws Exception {
        assertOnly(token(config("", ADMIN), manager), "GET", "POST", "HEAD", "PUT");
        assertOnly(authorize(config("", ADMIN), manager), "GET, POST", "HEAD", "PUT", "DELETE");
        assertTrue(manager.redirectUris.isEmpty() && manager.callbacks.isEmpty(), "nothing started or consumed");
    }

    @Test
    void withParameterAppendsEncodedUnlessTheNameIsThere() {
        assertEquals("https://p.example.com/a?x=1&prompt=select_account",
                AuthorizeServlet.withParameter(URI.create("https://p.example.com/a?x=1"), "prompt", "select_account").toString());
        assertEquals("https://p.example.com/a?prompt=select_account",
                AuthorizeServlet.withParameter(URI.create("https://p.example.com/a"), "prompt", "select_account").toString());
        assertEquals("https://p.example.com/a?x=1&n%26m=a%20b%3Dc%C3%A9#f",
                AuthorizeServlet.withParameter(URI.create("https://p.example.com/a?x=1#f"), "n&m", "a b=cé").toString());
        for (String kept : List.of("https://p.example.com/a?x=1&prompt=login", "https://p.example.com/a?prompt",
                "https://p.example.com/a?%70rompt=none")) {
            assertEquals(kept, AuthorizeServlet.withParameter(URI.create(kept), "prompt", "select_account").toString());
        }
    }

    @Test
    void escapeCoversMarkupAndQuotes() {
        assertEquals("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;", Page.escape("<a href=\"x\" title='y'>&</a>"));
    }

    private static void assertRefused(FakeHttp.Response response, String what) {
        assertEquals(403, response.status, what + ": " + response);
        assertNull(response.header("Location"), what + ": no redirect to the provider");
        assertTrue(response.body().contains("Open the authorize page again"), response.body());
        assertTrue(response.body().contains("<a href=\"authorize\">"), response.body());
        assertEquals("no-store", response.header("Cache-Control"));
    }

    private static void assertOnly(AdminServlet servlet, String allowed, String... refusedMethods) throws Exception {
        for (String method : refusedMethods) {
            FakeHttp.Response response = new FakeHttp.Response();
            servlet.service(FakeHttp.request(method, "/services/mailer/oauth2/x", ADMIN, Map.of()), response.proxy);

            assertEquals(405, response.status, method);
            assertEquals(allowed, response.header("Allow"));
        }
    }

    /** The nonce of a confirmation page. */
    private static String nonce(FakeHttp.Response page) {
        Matcher field = NONCE_FIELD.matcher(page.body());
        assertTrue(field.find(), "a nonce in " + page);
        return field.group(1);
    }

    private static FakeHttp.Response get(AdminServlet servlet, String remoteUser, Map<String, String[]> parameters) throws Exception {
        return call(servlet, "GET", remoteUser, parameters);
    }

    /** The confirmation's POST, with {@code nonce} unless null. */
    private static FakeHttp.Response post(AdminServlet servlet, String remoteUser, String nonce) throws Exception {
        return call(servlet, "POST", remoteUser, nonce == null ? Map.of() : Map.of("nonce", new String[] {nonce}));
    }

    private static FakeHttp.Response call(AdminServlet servlet, String method, String remoteUser, Map<String, String[]> parameters)
            throws Exception {
        FakeHttp.Response response = new FakeHttp.Response();
        HttpServletRequest request = FakeHttp.request(method, "/services/mailer/oauth2/x", remoteUser, parameters);
        servlet.service(request, response.proxy);
        return response;
    }

    private AuthorizeServlet authorize(OAuthAuthorizationServlets config, FakeTokenManager manager) {
        return new AuthorizeServlet(config, manager, clock);
    }

    private static TokenServlet token(OAuthAuthorizationServlets config, FakeTokenManager manager) {
        return new TokenServlet(config, manager);
    }

    /** The configuration as DS hands it over. */
    private static OAuthAuthorizationServlets config(String redirectUri, String... allowedUsers) {
        return new OAuthAuthorizationServlets() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return OAuthAuthorizationServlets.class;
            }

            @Override
            public String[] allowed_users() {
                return allowedUsers;
            }

            @Override
            public String osgi_http_whiteboard_context_select() {
                return SLING_CONTEXT;
            }

            @Override
            public String redirect_uri() {
                return redirectUri;
            }
        };
    }
}
