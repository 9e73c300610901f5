package dev.mailer.commons.config;

import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * A service a component registers itself, so that its service properties are its configuration
 * without secrets ({@link ServiceProperties#withoutSecrets}). Used by components whose
 * configuration holds passwords or tokens, instead of {@code @Component(service=...)}.
 */
public final class PublishedService<S> {

    private final ServiceRegistration<S> registration;

    public PublishedService(BundleContext context, Class<S> type, S service, Map<String, ?> configuration) {
        this.registration = context.registerService(type, service, ServiceProperties.withoutSecrets(configuration));
    }

    /** Publishes the properties of a changed configuration. */
    public void update(Map<String, ?> configuration) {
        registration.setProperties(ServiceProperties.withoutSecrets(configuration));
    }

    public void unregister() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework already removed it (bundle stopping)
        }
    }
}
