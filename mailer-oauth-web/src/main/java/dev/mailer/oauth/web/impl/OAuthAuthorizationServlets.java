package dev.mailer.oauth.web.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The one configuration of both servlets ({@link AuthorizeServlet}, {@link TokenServlet}), PID
 * {@value #PID}. Without it neither is registered: the browser sign-in is off by default.
 *
 * <p>Also their component property type: the defaults below are service properties of both
 * servlets, so {@code osgi.http.whiteboard.context.select} selects Sling's context unless the
 * configuration says otherwise.
 */
@ObjectClassDefinition(name = "Mailer - OAuth2 sign-in from the browser",
        description = "Enables /services/mailer/oauth2/authorize and /services/mailer/oauth2/token, where an admin of this"
                + " instance signs the mailbox in (authorization code with PKCE) and the refresh token is stored. Disabled"
                + " while this configuration does not exist.")
public @interface OAuthAuthorizationServlets {

    String PID = "dev.mailer.oauth.web.impl.OAuthAuthorizationServlets";

    /** Sling's servlet context: its handleSecurity authenticates the request (login token, basic, ...). */
    String SLING_CONTEXT = "(osgi.http.whiteboard.context.name=org.apache.sling)";

    @AttributeDefinition(name = "Allowed users",
            description = "IDs of the users of this instance who may sign the mailbox in, as the container authenticated"
                    + " them (request.getRemoteUser()), e.g. admin. Exact match; groups are not expanded.")
    String[] allowed_users() default {"admin"};

    @AttributeDefinition(name = "Servlet context",
            description = "Filter selecting the HTTP Whiteboard servlet context whose login protects the servlets. In AEM"
                    + " and Sling: (osgi.http.whiteboard.context.name=org.apache.sling), Sling's authentication.")
    String osgi_http_whiteboard_context_select() default SLING_CONTEXT;

    @AttributeDefinition(name = "Redirect URI",
            description = "The absolute URL of the token servlet as registered with the OAuth2 provider, e.g."
                    + " https://author.example.com/services/mailer/oauth2/token. Empty: the token provider's"
                    + " authCodeRedirectUrl.")
    String redirect_uri() default "";
}
