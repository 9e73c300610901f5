package dev.mailer.it.sling;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.sling.api.resource.LoginException;
import org.apache.sling.api.resource.PersistenceException;
import org.apache.sling.api.resource.Resource;
import org.apache.sling.api.resource.ResourceResolver;
import org.apache.sling.api.resource.ResourceResolverFactory;
import org.osgi.framework.BundleContext;

import dev.mailer.it.support.Services;

/**
 * The repository of the Sling platform as a service user sees it (runs inside Felix only: the Sling API
 * is not on the test JVM's class path).
 */
public final class SlingRepository {

    private final ResourceResolverFactory factory;

    private final String subService;

    private SlingRepository(ResourceResolverFactory factory, String subService) {
        this.factory = factory;
        this.subService = subService;
    }

    /** The repository through the service user mapped to {@code subService} of {@code context}'s bundle. */
    public static SlingRepository asServiceUser(BundleContext context, String subService, Duration timeout) {
        ResourceResolverFactory factory = context.getService(Services.await(context, ResourceResolverFactory.class, null,
                timeout, () -> "the Sling ResourceResolverFactory (is the repository up?)"));
        return new SlingRepository(factory, subService);
    }

    /** Creates {@code parent/name} with one String property and saves it. */
    public void create(String parent, String name, String property, String value) throws LoginException, PersistenceException {
        try (ResourceResolver resolver = login()) {
            Resource folder = resolver.getResource(parent);
            if (folder == null) {
                throw new AssertionError(parent + " is not readable by the service user of " + subService);
            }
            resolver.create(folder, name, Map.of("jcr:primaryType", "nt:unstructured", property, value));
            resolver.commit();
        }
    }

    /** A String property of {@code path} as read by a new session, or null if there is no such resource. */
    public String read(String path, String property) throws LoginException {
        try (ResourceResolver resolver = login()) {
            Resource resource = resolver.getResource(path);
            return resource == null ? null : resource.getValueMap().get(property, String.class);
        }
    }

    /** The names of {@code path}'s children as read by a new session; empty when there is no such resource. */
    public List<String> children(String path) throws LoginException {
        try (ResourceResolver resolver = login()) {
            Resource resource = resolver.getResource(path);
            List<String> names = new ArrayList<>();
            if (resource != null) {
                resource.getChildren().forEach(child -> names.add(child.getName()));
            }
            return names;
        }
    }

    /** The user id of the service session (the mapped service user). */
    public String userId() throws LoginException {
        try (ResourceResolver resolver = login()) {
            return resolver.getUserID();
        }
    }

    private ResourceResolver login() throws LoginException {
        return factory.getServiceResourceResolver(Map.of(ResourceResolverFactory.SUBSERVICE, subService));
    }
}
