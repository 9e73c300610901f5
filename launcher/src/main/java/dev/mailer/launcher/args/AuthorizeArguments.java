package dev.mailer.launcher.args;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Set;

/** The options of {@code mailer authorize}. */
public final class AuthorizeArguments {

    private final boolean device;
    private final String redirectUri;
    private final Duration timeout;
    private final boolean help;

    private AuthorizeArguments(boolean device, String redirectUri, Duration timeout, boolean help) {
        this.device = device;
        this.redirectUri = redirectUri;
        this.timeout = timeout;
        this.help = help;
    }

    public static AuthorizeArguments parse(String... args) throws UsageException {
        Options options = Options.parse(args, Set.of("--redirect-uri", "--timeout"), Set.of("--device"));
        boolean device = options.has("--device");
        String redirectUri = options.single("--redirect-uri");
        if (device && redirectUri != null) {
            throw new UsageException("--redirect-uri is for the authorization-code flow; the device-code flow (--device) has no redirect");
        }
        if (redirectUri != null) {
            try {
                URI uri = new URI(redirectUri);
                if (uri.getHost() == null || !"http".equalsIgnoreCase(uri.getScheme())) {
                    throw new UsageException("--redirect-uri " + redirectUri + " is not an http://localhost:PORT/... URL");
                }
            } catch (URISyntaxException e) {
                throw new UsageException("--redirect-uri " + redirectUri + " is not a URL (" + e.getReason() + ")");
            }
        }
        Duration wait = options.seconds("--timeout", false);
        return new AuthorizeArguments(device, redirectUri, wait, options.isHelp());
    }

    /** True with {@code --device}: the device-code flow instead of the authorization code. */
    public boolean isDevice() {
        return device;
    }

    /** The redirect URI to listen at instead of the configured one, or null. */
    public String getRedirectUri() {
        return redirectUri;
    }

    /** How long to wait for the sign-in, or null: until the provider's request expires. */
    public Duration getTimeout() {
        return timeout;
    }

    public boolean isHelp() {
        return help;
    }
}
