package dev.mailer.core.impl;

import java.util.Map;

import dev.mailer.api.MailService;
import dev.mailer.api.OAuthConfigurationProvider;

/**
 * The mail service as its component would be, bound to a token provider, for the tests of the
 * token provider that deliver mail through it (its constructor and bind method are package-private).
 */
public final class MailServices {

    private MailServices() {
    }

    /** A mail service of {@code config} (oauth.flow=true) that logs in with the tokens of {@code provider}. */
    public static MailService withProvider(Map<String, Object> config, OAuthConfigurationProvider provider) {
        DefaultMailService service = new DefaultMailService(config);
        service.bindOAuthProvider(provider, Map.of());
        return service;
    }

    /** Deactivates a service of {@link #withProvider}. */
    public static void close(MailService service) {
        ((DefaultMailService) service).deactivate();
    }
}
