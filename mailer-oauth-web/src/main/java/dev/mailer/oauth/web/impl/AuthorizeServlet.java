package dev.mailer.oauth.web.impl;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.MailException;
import dev.mailer.api.oauth.AuthorizationRequest;
import dev.mailer.api.oauth.OAuthTokenManager;

/**
 * {@value AdminServlet#AUTHORIZE_PATH}: starts the authorization-code flow (state, PKCE) and sends
 * the admin's browser to the provider's sign-in, which returns to {@link TokenServlet}.
 *
 * <p>The token provider is a static, optional, greedy reference: while none runs the servlet
 * answers 503 rather than disappearing, and DS re-creates the servlet when one comes.
 */
@Component(service = Servlet.class, configurationPid = OAuthAuthorizationServlets.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = AdminServlet.SLING_AUTH_REQUIREMENT)
@Designate(ocd = OAuthAuthorizationServlets.class)
@HttpWhiteboardServletPattern(AdminServlet.AUTHORIZE_PATH)
public class AuthorizeServlet extends AdminServlet {

    private static final long serialVersionUID = 1L;

    static final String REDIRECT_URI = "redirect.uri";

    private static final Logger LOG = LoggerFactory.getLogger(AuthorizeServlet.class);

    /** Null: the token provider's authCodeRedirectUrl. */
    private final String redirectUri;
    /** Why redirect.uri cannot be used, or null. */
    private final String redirectUriProblem;

    @Activate
    public AuthorizeServlet(OAuthAuthorizationServlets config,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            OAuthTokenManager tokenManager) {
        super(config, tokenManager);
        String configured = config.redirect_uri() == null ? "" : config.redirect_uri().strip();
        this.redirectUri = configured.isEmpty() ? null : configured;
        this.redirectUriProblem = redirectUri == null ? null : problem(redirectUri);
        if (redirectUriProblem != null) {
            LOG.error("{} of {}: {}", REDIRECT_URI, OAuthAuthorizationServlets.PID, redirectUriProblem);
        } else if (redirectUri != null && !URI.create(redirectUri).getPath().endsWith(TOKEN_PATH)) {
            LOG.warn("{} of {} is {}, which is not the token servlet ({}): the provider will send the browser there",
                    REDIRECT_URI, OAuthAuthorizationServlets.PID, redirectUri, TOKEN_PATH);
        }
    }

    @Override
    void handle(String user, OAuthTokenManager tokenManager, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (redirectUriProblem != null) {
            Page.titled("Cannot start the sign-in")
                    .paragraph(REDIRECT_URI + " of the configuration " + OAuthAuthorizationServlets.PID + ": " + redirectUriProblem)
                    .send(response, HttpServletResponse.SC_CONFLICT);
            return;
        }
        AuthorizationRequest started;
        try {
            started = tokenManager.beginAuthorization(redirectUri);
        } catch (MailException e) {
            LOG.warn("{} could not start the OAuth2 sign-in: {}", user, e.getMessage());
            Page.titled("Cannot start the sign-in").paragraph(e.getMessage())
                    .send(response, e.isTransient() ? HttpServletResponse.SC_SERVICE_UNAVAILABLE : HttpServletResponse.SC_CONFLICT);
            return;
        }
        LOG.info("{} started the OAuth2 sign-in of the mailbox, returning to {} until {}", user, started.getRedirectUri(),
                started.getExpiresAt());
        // the URL carries state and the PKCE challenge, no secret; the verifier stays with the token provider
        response.setStatus(HttpServletResponse.SC_FOUND);
        response.setHeader("Location", started.getAuthorizationUrl().toASCIIString());
    }

    /** Why {@code value} is no redirect URI a provider accepts, or null. */
    static String problem(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return "'" + value + "' is not a URL (" + e.getReason() + "); set the absolute URL of " + TOKEN_PATH
                    + " as registered with the provider, or leave it empty";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!("https".equals(scheme) || "http".equals(scheme)) || uri.getHost() == null || uri.getFragment() != null) {
            return "'" + value + "' is not an absolute http(s) URL without fragment; set e.g. https://author.example.com"
                    + TOKEN_PATH + " as registered with the provider, or leave it empty";
        }
        return null;
    }
}
