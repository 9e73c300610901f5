package dev.mailer.oauth.web.impl;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
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
 * <p>Only on confirmation: a GET shows a page whose button POSTs a single-use nonce issued to the
 * same user, and only that POST starts the flow. A GET that started it would be login CSRF: any
 * page could make a signed-in admin's browser fetch this address, the provider could answer at
 * once for whatever account is signed in there, and the token servlet would store that account's
 * refresh token. The provider is also asked to show its account picker ({@code prompt=select_account}),
 * so that a session of the admin's own account there cannot complete the sign-in unseen.
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
    static final String NONCE = "nonce";
    static final String PROMPT = "prompt";
    /** Microsoft Entra ID and Google both know it: the account is chosen, not taken from an existing session. */
    static final String SELECT_ACCOUNT = "select_account";

    /** Pending confirmations: a few admins, each with a page or two open. */
    private static final int NONCE_CAPACITY = 64;

    private static final Logger LOG = LoggerFactory.getLogger(AuthorizeServlet.class);

    /** Null: the token provider's authCodeRedirectUrl. */
    private final String redirectUri;
    /** Why redirect.uri cannot be used, or null. */
    private final String redirectUriProblem;
    private final transient ConfirmationNonces nonces;

    @Activate
    public AuthorizeServlet(OAuthAuthorizationServlets config,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            OAuthTokenManager tokenManager) {
        this(config, tokenManager, Clock.systemUTC());
    }

    /** {@code clock}: when nonces expire (tests). */
    AuthorizeServlet(OAuthAuthorizationServlets config, OAuthTokenManager tokenManager, Clock clock) {
        super(config, tokenManager, "GET", "POST");
        this.nonces = new ConfirmationNonces(clock, NONCE_CAPACITY);
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
        if ("GET".equals(request.getMethod())) {
            confirm(user, response);
            return;
        }
        if (!nonces.consume(request.getParameter(NONCE), user)) {
            LOG.warn("{} posted a sign-in confirmation that is unknown, expired, used or not theirs: nothing started", user);
            Page.titled("Confirmation not valid: nothing was started")
                    .paragraph("This confirmation is unknown, expired, already used or was issued to someone else, or the"
                            + " request did not come from the confirmation page. Open the authorize page again and confirm"
                            + " there.")
                    .link("Open the authorize page again", "authorize")
                    .send(response, HttpServletResponse.SC_FORBIDDEN);
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
        response.setHeader("Location", withParameter(started.getAuthorizationUrl(), PROMPT, SELECT_ACCOUNT).toASCIIString());
    }

    /** The confirmation page: what signing in means, and the button that POSTs a new nonce of {@code user}. */
    private void confirm(String user, HttpServletResponse response) throws IOException {
        // the browser sends this page's address as Referer with the POST, as Sling's Referrer Filter (in
        // AEM) requires by default; other sites still get none, and the POST's 302 is no-referrer again
        response.setHeader("Referrer-Policy", "same-origin");
        Page.titled("Sign the mailbox in")
                .paragraph("You are about to sign in at the OAuth2 provider as the mailbox that sends the mail, not as"
                        + " yourself: the refresh token of the account you sign in as is stored, and the mail goes out as"
                        + " that account.")
                .paragraph("The provider asks which account to use: pick the mailbox, or sign in with its credentials."
                        + " Continue only if you opened this page yourself; the button works once and for "
                        + ConfirmationNonces.VALIDITY.toMinutes() + " minutes.")
                .postButton("authorize", NONCE, nonces.issue(user), "Continue to the provider's sign-in")
                .send(response, HttpServletResponse.SC_OK);
    }

    /**
     * {@code url} with the query parameter {@code name=value} appended, both encoded; unchanged when
     * its query already has {@code name} (a prompt the token provider chose wins).
     */
    static URI withParameter(URI url, String name, String value) {
        String query = url.getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int end = pair.indexOf('=');
                if (name.equals(URLDecoder.decode(end < 0 ? pair : pair.substring(0, end), StandardCharsets.UTF_8))) {
                    return url;
                }
            }
        }
        String ascii = url.toASCIIString();
        int hash = ascii.indexOf('#');
        String base = hash < 0 ? ascii : ascii.substring(0, hash);
        String separator = query == null ? "?" : base.endsWith("&") || base.endsWith("?") ? "" : "&";
        return URI.create(base + separator + encode(name) + "=" + encode(value)
                + (hash < 0 ? "" : ascii.substring(hash)));
    }

    /** Percent-encoding of a query component (URLEncoder's form encoding, but %20 for a space). */
    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
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
