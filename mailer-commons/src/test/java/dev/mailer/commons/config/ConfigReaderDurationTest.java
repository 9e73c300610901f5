package dev.mailer.commons.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ConfigReaderDurationTest {

    @Test
    void anIsoDurationIsReadAndAMissingOneIsTheDefault() {
        ConfigReader r = new ConfigReader(Map.of("outbox.max.age", "P3D"));

        assertEquals(Duration.ofDays(3), r.duration("outbox.max.age", Duration.ofDays(1), Duration.ZERO));
        assertEquals(Duration.ofSeconds(10), r.duration("outbox.shutdown.timeout", Duration.ofSeconds(10), Duration.ZERO));
        assertEquals(List.of(), r.problems());
    }

    @Test
    void textThatIsNoDurationAndOneBelowTheMinimumAreProblemsNamingTheProperty() {
        ConfigReader r = new ConfigReader(Map.of("outbox.max.age", "3 days", "outbox.retry.initial", "PT0.001S"));

        assertEquals(Duration.ofDays(3), r.duration("outbox.max.age", Duration.ofDays(3), Duration.ZERO));
        r.duration("outbox.retry.initial", Duration.ofMinutes(1), Duration.ofMillis(10));

        assertEquals(2, r.problems().size());
        assertTrue(r.problems().get(0).startsWith("outbox.max.age: '3 days' is not an ISO-8601 duration"), r.problems().get(0));
        assertEquals("outbox.retry.initial: PT0.001S is shorter than the minimum PT0.01S", r.problems().get(1));
    }
}
