package dev.mailer.core.impl;

import java.util.Map;

import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.api.OAuthConfigurationProvider;
import dev.mailer.api.oauth.OAuthTokenManager;
import dev.mailer.commons.config.NamedServices;
import dev.mailer.commons.config.ServiceName;

/**
 * The OAuth2 token providers (and their token managers) a mail service sees, of which the one with
 * its {@linkplain ServiceName name} is its own: the provider configured as {@code ...~bulk} serves the
 * mail service {@code ...~bulk}, the plain one the plain one. A send waits a bounded time for its
 * provider, which may start after the mail service. Thread-safe.
 */
final class TokenSources {

    private final ServiceName name;
    private final NamedServices<OAuthConfigurationProvider> providers;
    private final NamedServices<OAuthTokenManager> managers;

    TokenSources(ServiceName name) {
        this.name = name;
        this.providers = new NamedServices<>(name);
        this.managers = new NamedServices<>(name);
    }

    void bind(OAuthConfigurationProvider provider, Map<String, ?> properties) {
        providers.bind(provider, properties);
    }

    void unbind(OAuthConfigurationProvider provider) {
        providers.unbind(provider);
    }

    void bind(OAuthTokenManager manager, Map<String, ?> properties) {
        managers.bind(manager, properties);
    }

    void unbind(OAuthTokenManager manager) {
        managers.unbind(manager);
    }

    /** The token manager of this service's provider, or null (for the check's details only). */
    OAuthTokenManager manager() {
        return managers.own();
    }

    /**
     * This service's provider, waiting up to {@code waitMs} for it.
     *
     * @throws MailException naming what to install or configure, when none came
     */
    OAuthConfigurationProvider await(long waitMs) throws MailException {
        OAuthConfigurationProvider provider = providers.await(waitMs);
        if (provider == null) {
            throw noProvider(waitMs);
        }
        return provider;
    }

    private MailException noProvider(long waitMs) {
        String configure = name.get().map(n -> "the factory configuration dev.mailer.oauth.impl.OAuthConfigurationProviderImpl~" + n)
                .orElse("dev.mailer.oauth.impl.OAuthConfigurationProviderImpl");
        return MailException.permanentFailure("oauth.flow=true, but no OAuthConfigurationProvider service appeared within " + waitMs
                + " ms" + name.get().map(n -> " with " + MailService.SERVICE_NAME + "=" + n).orElse("") + "; nothing was sent.")
                .setting(SmtpSettings.OAUTH)
                .diagnosis("Install the mailer-oauth bundle and configure " + configure
                        + " (its .cfg.json: tokenUrl, clientId, clientSecret, scopes, refreshToken or grantType),"
                        + " or set oauth.flow=false to use smtp.password.")
                .build();
    }
}
