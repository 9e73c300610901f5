package dev.mailer.it.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.http.context.ServletContextHelper;
import org.osgi.service.http.whiteboard.HttpWhiteboardConstants;

/**
 * A servlet context at {@code /} standing in for the container's login (Sling's authentication
 * in AEM): HTTP Basic against a fixed set of users. As a container that allows anonymous access,
 * it lets a request without credentials through with no user, so the servlets' own check is what
 * refuses it; wrong credentials are answered 401 here. A known user becomes
 * {@link ServletContextHelper#REMOTE_USER}. Runs inside Felix only (javax.servlet).
 */
public final class BasicLoginContext extends ServletContextHelper {

    private final Map<String, String> passwords;

    private BasicLoginContext(BundleContext context, Map<String, String> passwords) {
        super(context.getBundle());
        this.passwords = Map.copyOf(passwords);
    }

    /** Registers the context under {@code name}; servlets select it with {@code (osgi.http.whiteboard.context.name=name)}. */
    public static ServiceRegistration<ServletContextHelper> register(BundleContext context, String name, Map<String, String> passwords) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME, name);
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_PATH, "/");
        return context.registerService(ServletContextHelper.class, new BasicLoginContext(context, passwords), properties);
    }

    @Override
    public boolean handleSecurity(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String header = request.getHeader("Authorization");
        if (header == null) {
            return true;
        }
        if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            String[] credentials = decode(header.substring(6).strip());
            String expected = credentials == null ? null : passwords.get(credentials[0]);
            if (expected != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                    credentials[1].getBytes(StandardCharsets.UTF_8))) {
                request.setAttribute(REMOTE_USER, credentials[0]);
                request.setAttribute(AUTHENTICATION_TYPE, HttpServletRequest.BASIC_AUTH);
                return true;
            }
        }
        response.setHeader("WWW-Authenticate", "Basic realm=\"mailer-it\"");
        response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
        return false;
    }

    /** {@code user:password} from a Basic header value, or null. */
    private static String[] decode(String value) {
        try {
            String text = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
            int colon = text.indexOf(':');
            return colon < 0 ? null : new String[] {text.substring(0, colon), text.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
