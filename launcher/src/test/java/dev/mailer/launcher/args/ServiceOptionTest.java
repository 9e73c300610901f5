package dev.mailer.launcher.args;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ServiceOptionTest {

    @Test
    void isTakenOffTheArgumentsInBothForms() throws UsageException {
        ServiceOption spaced = ServiceOption.take(new String[] {"--to", "a@example.com", "--service", "bulk", "--text", "t"});
        ServiceOption joined = ServiceOption.take(new String[] {"--service=ops.alerts-2"});

        assertEquals("bulk", spaced.name());
        assertArrayEquals(new String[] {"--to", "a@example.com", "--text", "t"}, spaced.rest());
        assertEquals("ops.alerts-2", joined.name());
        assertNull(ServiceOption.take(new String[] {"--to", "a@example.com"}).name());
    }

    @Test
    void aMissingMalformedOrRepeatedNameIsAUsageError() {
        assertEquals("--service needs a value: the name of the mail service (mail.service.name)",
                assertThrows(UsageException.class, () -> ServiceOption.take(new String[] {"--service"})).getMessage());
        assertEquals("--service bulk)(x=*: a service name is up to 64 letters, digits, '.', '_' or '-'",
                assertThrows(UsageException.class, () -> ServiceOption.take(new String[] {"--service", "bulk)(x=*"})).getMessage());
        assertEquals("--service is given twice",
                assertThrows(UsageException.class, () -> ServiceOption.take(new String[] {"--service=a", "--service=b"})).getMessage());
    }
}
