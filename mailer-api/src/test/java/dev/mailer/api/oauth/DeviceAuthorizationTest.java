package dev.mailer.api.oauth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class DeviceAuthorizationTest {

    @Test
    void toStringLeavesOutTheUserCodeWhichWhoeverReadsItCouldEnterFirst() {
        DeviceAuthorization authorization = new DeviceAuthorization("flow-1", "ABCD-EFGH", "https://microsoft.com/devicelogin",
                "https://microsoft.com/devicelogin?otc=ABCD-EFGH", "Enter the code ABCD-EFGH", Instant.parse("2026-01-01T00:15:00Z"), 5);

        String text = authorization.toString();

        assertFalse(text.contains("ABCD-EFGH"), text);
        assertTrue(text.contains("https://microsoft.com/devicelogin"), text);
    }
}
