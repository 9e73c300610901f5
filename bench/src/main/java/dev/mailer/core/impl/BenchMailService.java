package dev.mailer.core.impl;

import java.nio.file.Path;
import java.util.Map;

import dev.mailer.api.OAuthConfigurationProvider;

/**
 * Drives {@link DefaultMailService} outside OSGi for the benchmarks, as mailer-core's own tests do:
 * the package-private constructor with a configuration map, the OAuth provider bound directly, the
 * outbox opened in a directory of the benchmark's. In this package for that access only.
 */
public final class BenchMailService {

    private BenchMailService() {
    }

    /**
     * An activated service of {@code config}; {@code oauth} bound when not null; its outbox in
     * {@code outbox} when not null (no outbox otherwise).
     */
    public static DefaultMailService start(Map<String, Object> config, OAuthConfigurationProvider oauth, Path outbox) {
        DefaultMailService service = new DefaultMailService(config);
        if (oauth != null) {
            service.bindOAuthProvider(oauth, Map.of());
        }
        if (outbox != null) {
            service.useOutbox(outbox);
        }
        return service;
    }

    /** Deactivates {@code service}: the outbox stops, the pooled connections are closed (QUIT). */
    public static void stop(DefaultMailService service) {
        service.deactivate();
    }
}
