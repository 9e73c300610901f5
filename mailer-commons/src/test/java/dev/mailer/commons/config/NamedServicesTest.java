package dev.mailer.commons.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.osgi.framework.FrameworkUtil;

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

    @Test
    void aTargetLinksTheServiceItMatchesWhateverItsNameTheHighestRankedOfSeveral() throws Exception {
        NamedServices<String> bulk = new NamedServices<>(ServiceName.of(Map.of("mail.service.name", "bulk")));
        bulk.bind("bulk one", Map.of("mail.service.name", "bulk"));
        bulk.bind("shared, ranked 0", Map.of("mail.service.name", "shared", "service.id", 7L));
        bulk.bind("shared, ranked 10", Map.of("mail.service.name", "shared", "service.ranking", 10, "service.id", 9L));
        bulk.bind("shared, ranked 10, older", Map.of("mail.service.name", "shared", "service.ranking", 10, "service.id", 8L));

        assertEquals("shared, ranked 10, older", bulk.own(FrameworkUtil.createFilter("(mail.service.name=shared)")));
        assertNull(bulk.await(FrameworkUtil.createFilter("(mail.service.name=nobody)"), 50));
        assertEquals("bulk one", bulk.own(null), "without a target, the one of its own name");
    }

    @Test
    void aTargetThatIsNoFilterIsAConfigurationProblemNamingTheProperty() {
        ConfigReader reader = new ConfigReader(Map.of("OAuthProvider.target", "(mail.service.name=shared"));

        assertNull(reader.filter("OAuthProvider.target"));
        assertTrue(reader.problems().get(0).startsWith("OAuthProvider.target: '(mail.service.name=shared' is not an LDAP filter"),
                reader.problems().toString());
    }
}
