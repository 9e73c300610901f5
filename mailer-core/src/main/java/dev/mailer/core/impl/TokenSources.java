package dev.mailer.core.impl;

import java.util.Map;

import org.osgi.framework.Filter;

import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.api.OAuthConfigurationProvider;
import dev.mailer.api.oauth.OAuthTokenManager;
import dev.mailer.commons.config.NamedServices;
import dev.mailer.commons.config.ServiceName;

/**
 * The OAuth2 token providers (and their token managers) a mail service sees, of which the one with
 * its {@linkplain ServiceName name} is its own: the provider configured as {@code ...~bulk} serves the
 * mail service {@code ...~bulk}, the plain one the plain one. A configured
 * {@value SmtpSettings#OAUTH_PROVIDER_TARGET} links the service to the provider it matches instead,
 * whatever that one's name (the highest ranked of several); the token manager registered with it
 * matches it too. A send waits a bounded time for its provider, which may start after the mail
 * service. Thread-safe.
 */
final class TokenSources {

    private static final String PROVIDER_SETTINGS = " (its .cfg.json: tokenUrl, clientId, clientSecret, scopes, refreshToken or grantType),";

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

    /**
     * The token manager of this service's provider, or null (for the check's details only).
     *
     * @param target {@value SmtpSettings#OAUTH_PROVIDER_TARGET}, null for the provider of this service's name
     */
    OAuthTokenManager manager(Filter target) {
        return managers.own(target);
    }

    /**
     * This service's provider, waiting up to {@code waitMs} for it.
     *
     * @param target {@value SmtpSettings#OAUTH_PROVIDER_TARGET}, null for the provider of this service's name
     * @throws MailException naming what to install or configure, when none came
     */
    OAuthConfigurationProvider await(Filter target, long waitMs) throws MailException {
        OAuthConfigurationProvider provider = providers.await(target, waitMs);
        if (provider == null) {
            throw target == null ? noProvider(waitMs) : noProviderMatching(target, waitMs);
        }
        return provider;
    }

    private MailException noProvider(long waitMs) {
        String configure = name.get().map(n -> "the factory configuration dev.mailer.oauth.impl.OAuthConfigurationProviderImpl~" + n)
                .orElse("dev.mailer.oauth.impl.OAuthConfigurationProviderImpl");
        return noProvider(waitMs, name.get().map(n -> " with " + MailService.SERVICE_NAME + "=" + n).orElse(""), SmtpSettings.OAUTH,
                "Install the mailer-oauth bundle and configure " + configure + PROVIDER_SETTINGS
                        + " or set oauth.flow=false to use smtp.password.");
    }

    private static MailException noProviderMatching(Filter target, long waitMs) {
        return noProvider(waitMs, " matching " + SmtpSettings.OAUTH_PROVIDER_TARGET + "=" + target, SmtpSettings.OAUTH_PROVIDER_TARGET,
                "Install the mailer-oauth bundle and configure a factory configuration"
                        + " dev.mailer.oauth.impl.OAuthConfigurationProviderImpl~NAME whose service properties match " + target
                        + PROVIDER_SETTINGS + " correct " + SmtpSettings.OAUTH_PROVIDER_TARGET
                        + ", or remove it to use the provider of this service's own name.");
    }

    private static MailException noProvider(long waitMs, String which, String setting, String diagnosis) {
        return MailException.permanentFailure("oauth.flow=true, but no OAuthConfigurationProvider service appeared within " + waitMs
                + " ms" + which + "; nothing was sent.")
                .setting(setting)
                .diagnosis(diagnosis)
                .build();
    }
}
