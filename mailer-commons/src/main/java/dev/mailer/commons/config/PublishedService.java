package dev.mailer.commons.config;

import java.util.Arrays;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * A service a component registers itself, so that its service properties are its configuration
 * without secrets ({@link ServiceProperties#withoutSecrets}). Used by components whose
 * configuration holds passwords or tokens, instead of {@code @Component(service=...)}.
 */
public final class PublishedService {

    private final ServiceRegistration<?> registration;

    /**
     * Registers {@code service} under each of {@code types} (one registration, as DS does for a
     * component with several service interfaces).
     */
    public PublishedService(BundleContext context, Object service, Map<String, ?> configuration, Class<?>... types) {
        String[] names = Arrays.stream(types).map(Class::getName).toArray(String[]::new);
        for (Class<?> type : types) {
            if (!type.isInstance(service)) {
                throw new IllegalArgumentException(service.getClass() + " does not implement " + type);
            }
        }
        this.registration = context.registerService(names, service, ServiceProperties.withoutSecrets(configuration));
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
