package dev.mailer.oauth.impl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.mailer.commons.config.InvalidConfigurationException;
import dev.mailer.commons.testing.HostileValues;

/**
 * Random and hostile values (any type, CR/LF, random bytes, huge) for every property of the token
 * provider's configuration, as a {@code .cfg.json} file can deliver them: the only failure is the
 * documented {@link InvalidConfigurationException} naming the property, and it never echoes a
 * control character of the value. Seeded ({@code fuzz.seed}).
 */
class OAuthSettingsFuzzTest {

    private static final int ROUNDS = 3_000;

    private final HostileValues hostile = new HostileValues();

    @Test
    void randomConfigurationValuesAreRefusedNamingTheProperty() {
        List<String> properties = HostileValues.propertyNames(OAuthProviderConfiguration.class);
        int refused = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Map<String, Object> config = new HashMap<>(Map.of("tokenUrl", "https://login.example.com/token",
                    "clientId", "mailer-client", "clientSecret", "s3cret", "refreshToken", "r3fresh"));
            String property = properties.get(hostile.nextInt(properties.size()));
            config.put(property, hostile.configurationValue());
            try {
                OAuthSettings.from(config);
            } catch (InvalidConfigurationException e) {
                refused++;
                assertTrue(e.getMessage().contains(property), "the refusal names " + property + ": " + e.getMessage()
                        + " (seed " + HostileValues.SEED + ", round " + round + ")");
                assertFalse(e.getMessage().chars().anyMatch(Character::isISOControl),
                        "no control characters of the value are echoed raw: " + e.getMessage());
            } catch (RuntimeException e) {
                fail("undocumented " + e + " for " + property + " (seed " + HostileValues.SEED + ", round " + round + ")", e);
            }
        }
        assertTrue(refused > ROUNDS / 10, "enough refused values: " + refused);
    }
}
