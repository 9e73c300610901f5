package dev.mailer.commons.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ServicePropertiesTest {

    @Test
    void dropsSecretsAndPrivateProperties() {
        Map<String, Object> config = new HashMap<>();
        config.put("smtp.host", "smtp.example.com");
        config.put("smtp.password", "s3cret");
        config.put("smtp.truststore.password", "changeit");
        config.put("clientSecret", "c");
        config.put("refreshToken", "r");
        config.put("tokenUrl", "https://login.example.com/token");
        config.put(".private", "x");
        assertEquals(Map.of("smtp.host", "smtp.example.com", "tokenUrl", "https://login.example.com/token"),
                ServiceProperties.withoutSecrets(config));
    }
}
