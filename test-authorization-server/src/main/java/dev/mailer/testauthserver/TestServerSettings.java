package dev.mailer.testauthserver;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the test passes on the command line, as {@code --test-as.NAME=VALUE} (lists comma-separated).
 *
 * @param clientId           the mail client (confidential: client_secret_post and client_secret_basic)
 * @param clientSecret       its secret
 * @param redirectUris       the client's redirect URIs. For a loopback IP such as
 *                           {@code http://127.0.0.1/oauth2/callback} any port matches (RFC 8252); a
 *                           {@code localhost} URI must match exactly, port included
 * @param scopes             the scopes the client may ask for
 * @param username           the one user, who logs in through the form
 * @param password           the user's password
 * @param accessTokenTtl     lifetime of access tokens (JWTs whose {@code sub} is the username)
 * @param refreshTokenTtl    lifetime of refresh tokens; each is replaced on use
 * @param deviceCodeTtl      lifetime of device and user codes
 * @param devicePollInterval the {@code interval} of device authorization responses (not enforced:
 *                           polling faster gets no {@code slow_down})
 * @param requirePkce        whether authorization code requests must carry a PKCE challenge
 * @param exitWithStdin      end the process when stdin closes (the parent went away)
 */
@ConfigurationProperties("test-as")
public record TestServerSettings(
        String clientId,
        String clientSecret,
        @DefaultValue("http://127.0.0.1/oauth2/callback") List<String> redirectUris,
        @DefaultValue({"SMTP.Send", "offline_access"}) List<String> scopes,
        @DefaultValue("alice@example.test") String username,
        String password,
        @DefaultValue("5m") Duration accessTokenTtl,
        @DefaultValue("1h") Duration refreshTokenTtl,
        @DefaultValue("5m") Duration deviceCodeTtl,
        @DefaultValue("1s") Duration devicePollInterval,
        @DefaultValue("true") boolean requirePkce,
        @DefaultValue("false") boolean exitWithStdin) {

    public TestServerSettings {
        require(clientId, "client-id");
        require(clientSecret, "client-secret");
        require(password, "password");
    }

    private static void require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--test-as." + name + "=... is required");
        }
    }
}
