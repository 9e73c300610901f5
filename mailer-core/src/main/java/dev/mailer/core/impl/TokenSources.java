package dev.mailer.core.impl;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.api.OAuthConfigurationProvider;
import dev.mailer.api.oauth.OAuthTokenManager;
import dev.mailer.commons.config.ServiceName;

/**
 * The OAuth2 token providers (and their token managers) a mail service sees, of which the one with
 * its {@linkplain ServiceName name} is its own: the provider configured as {@code ...~bulk} serves the
 * mail service {@code ...~bulk}, the plain one the plain one. A send waits a bounded time for its
 * provider, which may start after the mail service. Thread-safe.
 */
final class TokenSources {

    private final ServiceName name;
    private final Object monitor = new Object();
    private final Map<OAuthConfigurationProvider, Map<String, ?>> providers = new IdentityHashMap<>();
    private final Map<OAuthTokenManager, Map<String, ?>> managers = new IdentityHashMap<>();

    TokenSources(ServiceName name) {
        this.name = name;
    }

    void bind(OAuthConfigurationProvider provider, Map<String, ?> properties) {
        synchronized (monitor) {
            providers.put(provider, properties);
            monitor.notifyAll();
        }
    }

    void unbind(OAuthConfigurationProvider provider) {
        synchronized (monitor) {
            providers.remove(provider);
        }
    }

    void bind(OAuthTokenManager manager, Map<String, ?> properties) {
        synchronized (monitor) {
            managers.put(manager, properties);
        }
    }

    void unbind(OAuthTokenManager manager) {
        synchronized (monitor) {
            managers.remove(manager);
        }
    }

    /** The token manager of this service's provider, or null (for the check's details only). */
    OAuthTokenManager manager() {
        synchronized (monitor) {
            return own(managers);
        }
    }

    /**
     * This service's provider, waiting up to {@code waitMs} for it.
     *
     * @throws MailException naming what to install or configure, when none came
     */
    OAuthConfigurationProvider await(long waitMs) throws MailException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        synchronized (monitor) {
            OAuthConfigurationProvider provider;
            try {
                long left;
                while ((provider = own(providers)) == null && (left = deadline - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                provider = own(providers);
            }
            if (provider == null) {
                throw noProvider(waitMs);
            }
            return provider;
        }
    }

    private <S> S own(Map<S, Map<String, ?>> services) {
        for (Map.Entry<S, Map<String, ?>> service : services.entrySet()) {
            if (name.matches(service.getValue())) {
                return service.getKey();
            }
        }
        return null;
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
