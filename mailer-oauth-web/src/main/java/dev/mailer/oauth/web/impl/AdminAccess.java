package dev.mailer.oauth.web.impl;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use the servlets: a user the container authenticated, listed in {@code allowed.users}.
 * The identity is only what the servlet context's {@code handleSecurity} established (the
 * {@code REMOTE_USER} request attribute behind {@link HttpServletRequest#getRemoteUser()}); nothing
 * the client sends is taken for it. Immutable.
 */
final class AdminAccess {

    static final String ALLOWED_USERS = "allowed.users";

    private static final Logger LOG = LoggerFactory.getLogger(AdminAccess.class);

    private final Set<String> allowedUsers;

    AdminAccess(String[] allowedUsers) {
        this.allowedUsers = allowedUsers == null ? Set.of()
                : Arrays.stream(allowedUsers).filter(Objects::nonNull).map(String::strip).filter(u -> !u.isEmpty())
                        .collect(Collectors.toUnmodifiableSet());
        if (this.allowedUsers.isEmpty()) {
            LOG.warn("{} of {} is empty: nobody can sign the mailbox in from the browser", ALLOWED_USERS,
                    OAuthAuthorizationServlets.PID);
        }
    }

    /**
     * The authenticated user when allowed; otherwise answers 401 (nobody signed in) or 403 (someone
     * not allowed) and returns null.
     */
    String admit(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String user = request.getRemoteUser();
        if (user == null || user.isEmpty()) {
            Page.titled("Sign in first")
                    .paragraph("Sign in to this instance as an administrator first (in AEM: its login page), then open"
                            + " this address again.")
                    .send(response, HttpServletResponse.SC_UNAUTHORIZED);
            return null;
        }
        if (!allowedUsers.contains(user)) {
            LOG.warn("User {} was refused the OAuth2 sign-in at {}: not in {}", user, request.getRequestURI(), ALLOWED_USERS);
            Page.titled("Not allowed")
                    .paragraph("User " + user + " may not sign the mailbox in. Only the users listed in " + ALLOWED_USERS
                            + " of the configuration " + OAuthAuthorizationServlets.PID + " may.")
                    .send(response, HttpServletResponse.SC_FORBIDDEN);
            return null;
        }
        return user;
    }
}
