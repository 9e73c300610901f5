package dev.mailer.oauth.web.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Map;

import javax.servlet.http.HttpServletRequest;

import org.junit.jupiter.api.Test;

import dev.mailer.api.MailException;

/**
 * Both servlets with a fake token provider and fake requests: who gets in (the container's user,
 * never a parameter), what each answers, and that no token or code reaches a page.
 */
class AuthorizationServletsTest {

    private static final String ADMIN = "admin";
    private final FakeTokenManager manager = new FakeTokenManager();

    @Test
    void withoutAContainerUserBothAnswer401AndTouchNothing() throws Exception {
        for (AdminServlet servlet : List.of(authorize(config("", ADMIN), manager), token(config("", ADMIN), manager))) {
            // a user named in the query is no identity
            FakeHttp.Response response = get(servlet, null, Map.of("user", new String[] {ADMIN}));

            assertEquals(401, response.status, response.toString());
            assertTrue(response.body().contains("Sign in to this instance"), response.body());
            assertEquals("no-store", response.header("Cache-Control"));
        }
        assertTrue(manager.redirectUris.isEmpty() && manager.callbacks.isEmpty(), "the token provider was not asked");
    }

    @Test
    void aUserNotInAllowedUsersGets403NamingTheSetting() throws Exception {
        for (AdminServlet servlet : List.of(authorize(config("", ADMIN, "ops"), manager), token(config("", ADMIN, "ops"), manager))) {
            FakeHttp.Response response = get(servlet, "editor", Map.of());

            assertEquals(403, response.status, response.toString());
            assertTrue(response.body().contains("allowed.users"), response.body());
            assertTrue(response.body().contains(OAuthAuthorizationServlets.PID), response.body());
            assertTrue(response.body().contains("editor"), response.body());
        }
        assertTrue(manager.redirectUris.isEmpty() && manager.callbacks.isEmpty(), "the token provider was not asked");
    }

    @Test
    void authorizeRedirectsToTheProvidersUrlWithTheConfiguredRedirectUri() throws Exception {
        String redirect = "https://aem.example.com/services/mailer/oauth2/token";

        FakeHttp.Response response = get(authorize(config(" " + redirect + " ", "ops", ADMIN), manager), ADMIN, Map.of());

        assertEquals(302, response.status, response.toString());
        assertEquals(FakeTokenManager.PROVIDER_URL.toASCIIString(), response.header("Location"));
        assertEquals("no-store", response.header("Cache-Control"));
        assertEquals("no-referrer", response.header("Referrer-Policy"));
        assertEquals(List.of(redirect), manager.redirectUris);
    }

    @Test
    void authorizeWithoutRedirectUriLeavesItToTheTokenProvider() throws Exception {
        get(authorize(config("", ADMIN), manager), ADMIN, Map.of());

        assertEquals(1, manager.redirectUris.size());
        assertNull(manager.redirectUris.get(0), "null: the token provider's authCodeRedirectUrl");
    }

    @Test
    void authorizeWithAnUnusableRedirectUriAnswers409NamingTheSetting() throws Exception {
        FakeHttp.Response response = get(authorize(config("$[env:AEM_URL]/services/mailer/oauth2/token", ADMIN), manager), ADMIN,
                Map.of());

        assertEquals(409, response.status, response.toString());
        assertTrue(response.body().contains("redirect.uri"), response.body());
        assertTrue(manager.redirectUris.isEmpty(), "no authorization started");
        assertNull(AuthorizeServlet.problem("http://127.0.0.1:8080/services/mailer/oauth2/token"));
        assertTrue(AuthorizeServlet.problem("/services/mailer/oauth2/token").contains("absolute"));
    }

    @Test
    void authorizeShowsTheTokenProvidersReasonEscaped() throws Exception {
        manager.failure = MailException.permanentFailure("authUrl is not set: <script>alert(1)</script> & more")
                .setting("authUrl").build();

        FakeHttp.Response response = get(authorize(config("", ADMIN), manager), ADMIN, Map.of());

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
    void onlyGetIsServed() throws Exception {
        AdminServlet servlet = token(config("", ADMIN), manager);
        for (String method : List.of("POST", "HEAD", "PUT")) {
            FakeHttp.Response response = new FakeHttp.Response();
            servlet.service(FakeHttp.request(method, AdminServlet.TOKEN_PATH, ADMIN, Map.of()), response.proxy);

            assertEquals(405, response.status, method);
            assertEquals("GET", response.header("Allow"));
        }
        assertTrue(manager.callbacks.isEmpty(), "nothing consumed");
    }

    @Test
    void escapeCoversMarkupAndQuotes() {
        assertEquals("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;", Page.escape("<a href=\"x\" title='y'>&</a>"));
    }

    private static FakeHttp.Response get(AdminServlet servlet, String remoteUser, Map<String, String[]> parameters) throws Exception {
        FakeHttp.Response response = new FakeHttp.Response();
        HttpServletRequest request = FakeHttp.request("GET", "/services/mailer/oauth2/x", remoteUser, parameters);
        servlet.service(request, response.proxy);
        return response;
    }

    private static AuthorizeServlet authorize(OAuthAuthorizationServlets config, FakeTokenManager manager) {
        return new AuthorizeServlet(config, manager);
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
