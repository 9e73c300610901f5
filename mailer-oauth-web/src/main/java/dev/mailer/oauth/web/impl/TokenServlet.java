package dev.mailer.oauth.web.impl;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.MailException;
import dev.mailer.api.oauth.OAuthTokenManager;
import dev.mailer.api.oauth.TokenStatus;

/**
 * {@value AdminServlet#TOKEN_PATH}: the redirect URI. Receives the provider's answer ({@code code}
 * and {@code state}, or {@code error}), has the token provider exchange the code and store the
 * refresh token, and shows the outcome: the token status, never a token or the code.
 */
@Component(service = Servlet.class, configurationPid = OAuthAuthorizationServlets.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = AdminServlet.SLING_AUTH_REQUIREMENT)
@HttpWhiteboardServletPattern(AdminServlet.TOKEN_PATH)
public class TokenServlet extends AdminServlet {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(TokenServlet.class);

    @Activate
    public TokenServlet(OAuthAuthorizationServlets config,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            OAuthTokenManager tokenManager) {
        super(config, tokenManager, "GET");
    }

    @Override
    void handle(String user, OAuthTokenManager tokenManager, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        TokenStatus status;
        try {
            status = tokenManager.completeAuthorization(firstValues(request.getParameterMap()));
        } catch (MailException e) {
            // the message says what went wrong and what to do, and holds no secret (MailException's contract)
            LOG.warn("The OAuth2 sign-in completed by {} failed: {}", user, e.getMessage());
            Page.titled("Sign-in failed: nothing was stored")
                    .paragraph(e.getMessage())
                    .link("Start the sign-in again", "authorize")
                    .send(response, e.isTransient() ? HttpServletResponse.SC_BAD_GATEWAY : HttpServletResponse.SC_BAD_REQUEST);
            return;
        }
        LOG.info("{} signed the mailbox in: the refresh token is stored ({})", user, status);
        Page.titled("Signed in: the refresh token is stored")
                .paragraph("The mail service now obtains its access tokens with this refresh token. You can close this page.")
                .fact("Grant", String.valueOf(status.getGrantType()))
                .fact("Client ID", String.valueOf(status.getClientId()))
                .fact("Access token valid until", status.getExpiresAt().map(Object::toString).orElse("none cached"))
                .fact("Granted scopes", status.getGrantedScopes().orElse("not stated by the provider"))
                .fact("Refresh token", status.getRefreshTokenSource().getDescription() + " (" + status.getRefreshTokenSource() + ")")
                .send(response, HttpServletResponse.SC_OK);
    }

    /** The query parameters, first value each: the provider sends each once. */
    static Map<String, String> firstValues(Map<String, String[]> parameters) {
        Map<String, String> first = new LinkedHashMap<>();
        parameters.forEach((name, values) -> {
            if (values != null && values.length > 0) {
                first.put(name, values[0]);
            }
        });
        return first;
    }
}
