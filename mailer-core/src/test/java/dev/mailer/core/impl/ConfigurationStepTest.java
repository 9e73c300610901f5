package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.mailer.api.check.CheckStep;
import dev.mailer.api.check.CheckStep.Outcome;

/** {@link DefaultMailService#checkConfiguration()}: the check's first step alone, without touching the network. */
class ConfigurationStepTest {

    private static Map<String, Object> config(int port) {
        Map<String, Object> config = new HashMap<>();
        config.put("smtp.host", "127.0.0.1");
        config.put("smtp.port", port);
        config.put("smtp.user", "workflow");
        config.put("smtp.password", "s3cret-Pa55");
        config.put("from.address", "workflow@example.com");
        config.put("smtp.starttls", false);
        config.put("smtp.requiretls", false);
        return config;
    }

    @Test
    void validConfigurationPassesWithTheServerAndOpensNoConnection() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            DefaultMailService service = new DefaultMailService(config(server.getLocalPort()));

            CheckStep step = service.checkConfiguration();

            assertEquals("configuration", step.getName());
            assertEquals(Outcome.PASS, step.getOutcome());
            assertTrue(step.getSummary().startsWith("127.0.0.1:" + server.getLocalPort()), step.getSummary());
            // the call has returned: a connection it made would be waiting in the backlog by now
            server.setSoTimeout(1);
            assertThrows(SocketTimeoutException.class, server::accept, "no connection to the SMTP server");
        }
    }

    @Test
    void invalidConfigurationFailsNamingThePropertyAndTheFixWithoutThePassword() {
        Map<String, Object> config = config(2525);
        config.put("smtp.port", 70000);
        DefaultMailService service = new DefaultMailService(config);

        CheckStep step = service.checkConfiguration();

        assertEquals(Outcome.FAIL, step.getOutcome());
        assertTrue(step.getSummary().contains("smtp.port: 70000 is out of range 1..65535"), step.getSummary());
        assertTrue(step.getFix().startsWith("Fix smtp.port"), step.getFix());
        assertFalse(step.toString().contains("s3cret-Pa55"), step.toString());
    }

    @Test
    void port465WithoutSslIsAWarning() {
        Map<String, Object> config = config(465);
        DefaultMailService service = new DefaultMailService(config);

        CheckStep step = service.checkConfiguration();

        assertEquals(Outcome.WARN, step.getOutcome());
        assertTrue(step.getFix().contains("smtp.ssl"), step.getFix());
    }
}
