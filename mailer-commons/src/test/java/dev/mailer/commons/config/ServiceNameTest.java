package dev.mailer.commons.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ServiceNameTest {

    @Test
    void theConfiguredNameWinsOverTheFactoryConfigurationsName() {
        assertEquals(Optional.of("bulk"), ServiceName.of(Map.of("mail.service.name", "bulk", "service.pid", "x~other")).get());
        assertEquals(Optional.of("bulk"), ServiceName.of(Map.of("service.pid", "dev.mailer.core.impl.DefaultMailService~bulk")).get());
        assertEquals(Optional.empty(), ServiceName.of(Map.of("service.pid", "dev.mailer.core.impl.DefaultMailService")).get());
    }

    @Test
    void filesOfANamedServiceCarryItsName() {
        ServiceName bulk = ServiceName.of(Map.of("mail.service.name", "bulk"));
        ServiceName standard = ServiceName.of(Map.of());

        assertEquals("outbox-bulk", bulk.dataName("outbox"));
        assertEquals("refresh-token-bulk.properties", bulk.dataName("refresh-token.properties"));
        assertEquals("outbox", standard.dataName("outbox"));
    }

    @Test
    void aServiceMatchesTheOneOfItsNameAndTheDefaultTheOneWithout() {
        ServiceName bulk = ServiceName.of(Map.of("mail.service.name", "bulk"));
        ServiceName standard = ServiceName.of(Map.of());

        assertTrue(bulk.matches(Map.of("mail.service.name", "bulk")));
        assertFalse(bulk.matches(Map.of()));
        assertTrue(standard.matches(Map.of("service.pid", "x")));
        assertFalse(standard.matches(Map.of("mail.service.name", "bulk")));
        assertEquals("bulk", bulk.publishedWith(Map.of("service.pid", "p~bulk")).get("mail.service.name"));
    }

    @Test
    void aNameThatCannotNameAFileIsAProblemNamingTheRule() {
        assertNull(ServiceName.of(Map.of("mail.service.name", "ops.bulk-2")).problem());
        assertEquals("\"../x\" is not a service name: use up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
                + " (it names files in the bundle data area)", ServiceName.of(Map.of("mail.service.name", "../x")).problem());
        assertEquals("outbox-.._x", ServiceName.of(Map.of("mail.service.name", "../x")).dataName("outbox"));
    }
}
