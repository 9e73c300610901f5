package dev.mailer.oauth.web.impl;

import java.io.IOException;
import java.util.List;

import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.oauth.OAuthTokenManager;

/**
 * What both servlets do before their own work: only their methods, nothing cached, an allowed and
 * authenticated user ({@link AdminAccess}), and a running token provider. Thread-safe; a change of
 * configuration or token provider makes DS build a new one.
 */
abstract class AdminServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final String BASE_PATH = "/services/mailer/oauth2";
    static final String AUTHORIZE_PATH = BASE_PATH + "/authorize";
    static final String TOKEN_PATH = BASE_PATH + "/token";

    /**
     * Sling (AEM) lets anonymous requests through as user "anonymous" unless a path requires
     * authentication; with this service property it sends visitors of these paths to its login first.
     */
    static final String SLING_AUTH_REQUIREMENT = "sling.auth.requirements=+" + BASE_PATH;

    static final String TOKEN_PROVIDER_PID = "dev.mailer.oauth.impl.OAuthConfigurationProviderImpl";

    private static final Logger LOG = LoggerFactory.getLogger(AdminServlet.class);

    private final transient AdminAccess access;
    /** Null while no token provider runs: then every request is answered 503. */
    private final transient OAuthTokenManager tokenManager;
    private final transient List<String> methods;

    /** {@code methods}: those {@link #handle} serves; any other is answered 405. */
    AdminServlet(OAuthAuthorizationServlets config, OAuthTokenManager tokenManager, String... methods) {
        this.access = new AdminAccess(config.allowed_users());
        this.tokenManager = tokenManager;
        this.methods = List.of(methods);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Page.secureHeaders(response);
        // no HEAD: HttpServlet would run doGet for it, and each call issues, starts or consumes something
        if (!methods.contains(request.getMethod())) {
            response.setHeader("Allow", String.join(", ", methods));
            Page.titled("Method not allowed").paragraph("Open this address in a browser.")
                    .send(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        String user = access.admit(request, response);
        if (user == null) {
            return;
        }
        if (tokenManager == null) {
            Page.titled("The OAuth2 token provider is not running")
                    .paragraph("Create the configuration " + TOKEN_PROVIDER_PID + " (grantType refresh_token, authUrl, tokenUrl,"
                            + " clientId, scopes) and check that the bundle dev.mailer.mailer-oauth is active; then open this"
                            + " address again.")
                    .send(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            return;
        }
        try {
            handle(user, tokenManager, request, response);
        } catch (RuntimeException e) {
            LOG.error("The OAuth2 sign-in at {} failed unexpectedly", request.getRequestURI(), e);
            Page.titled("Sign-in failed").paragraph("An unexpected error occurred; the log of this instance has the details.")
                    .send(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
        }
    }

    /** Serves a request of {@code user}, who is allowed, with one of the servlet's methods and the running token provider. */
    abstract void handle(String user, OAuthTokenManager tokenManager, HttpServletRequest request, HttpServletResponse response)
            throws IOException;
}
