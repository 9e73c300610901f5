package dev.mailer.commons.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class NamedServicesTest {

    @Test
    void theOwnServiceIsTheOneOfTheSameName() {
        NamedServices<String> bulk = new NamedServices<>(ServiceName.of(Map.of("mail.service.name", "bulk")));
        NamedServices<String> standard = new NamedServices<>(ServiceName.of(Map.of()));
        for (NamedServices<String> services : List.of(bulk, standard)) {
            services.bind("plain one", Map.of("service.pid", "x"));
            services.bind("bulk one", Map.of("mail.service.name", "bulk"));
        }

        assertEquals("bulk one", bulk.own());
        assertEquals("plain one", standard.own());
        standard.unbind("plain one");
        assertNull(standard.own());
    }

    @Test
    void awaitReturnsTheServiceBoundWhileWaiting() throws Exception {
        NamedServices<String> services = new NamedServices<>(ServiceName.of(Map.of()));
        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> services.await(30_000));

        services.bind("other", Map.of("mail.service.name", "bulk"));
        services.bind("own", Map.of());

        assertEquals("own", waiting.get(30, TimeUnit.SECONDS));
    }

    @Test
    void awaitGivesNullWhenNoneCameInTime() {
        NamedServices<String> services = new NamedServices<>(ServiceName.of(Map.of()));
        services.bind("other", Map.of("mail.service.name", "bulk"));

        assertNull(services.await(50));
    }
}
