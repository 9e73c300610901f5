package dev.mailer.oauth.impl;

import java.time.Clock;
import java.time.Duration;

import org.apache.sling.api.resource.ResourceResolverFactory;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * The Sling repository of the container, once a {@link ResourceResolverFactory} is bound: where the
 * refresh token chains live that the instances of a cluster share ({@link RepositoryTokenStore}). Only
 * these two classes touch the Sling API, which the bundle imports optionally: the launcher and Karaf
 * have none, and keep the chain in the bundle data area.
 */
final class TokenRepository {

    /** Beyond the token request's own timeouts: how long a claimed renewal may take before another instance takes over. */
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(30);

    private final BundleContext context;
    private final ServiceReference<ResourceResolverFactory> reference;
    private final ResourceResolverFactory factory;

    private TokenRepository(BundleContext context, ServiceReference<ResourceResolverFactory> reference,
            ResourceResolverFactory factory) {
        this.context = context;
        this.reference = reference;
        this.factory = factory;
    }

    /** The repository of {@code reference}; null when there is none, or it went away meanwhile. */
    static TokenRepository of(BundleContext context, ServiceReference<ResourceResolverFactory> reference) {
        if (reference == null) {
            return null;
        }
        ResourceResolverFactory factory = context.getService(reference);
        return factory == null ? null : new TokenRepository(context, reference, factory);
    }

    /** The chain store of {@code settings} at their {@code tokenRepositoryPath}, taking over {@code local}'s token once. */
    TokenChainStore store(OAuthSettings settings, RefreshTokenStore local, Clock clock) {
        Duration lease = Duration.ofMillis((long) settings.connectTimeoutMs + settings.readTimeoutMs).plus(LEASE_MARGIN);
        return new RepositoryTokenStore(factory, settings.tokenRepositoryPath, local, clock, lease);
    }

    void close() {
        context.ungetService(reference);
    }
}
