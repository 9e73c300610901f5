package dev.mailer.oauth.impl;

import static dev.mailer.oauth.impl.OAuthTestServer.TOKEN_PATH;
import static dev.mailer.oauth.impl.OAuthTestServer.error;
import static dev.mailer.oauth.impl.OAuthTestServer.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.api.MailException;
import dev.mailer.commons.metrics.MetricNames;
import dev.mailer.commons.testing.MutableClock;
import dev.mailer.commons.testing.RecordingMetricsService;

/** The token provider's renewals, failures and time to expiry, as a bound Sling Commons Metrics service receives them. */
class TokenMetricsTest {

    @RegisterExtension
    final OAuthTestServer server = new OAuthTestServer();
    private final MutableClock clock = new MutableClock();
    private final RecordingMetricsService metrics = new RecordingMetricsService();

    @TempDir
    Path data;

    private OAuthConfigurationProviderImpl provider() {
        Map<String, Object> config = server.scriptedConfig();
        config.put("grantType", "client_credentials");
        config.put("clientSecret", "client-s3cret");
        OAuthConfigurationProviderImpl provider = new OAuthConfigurationProviderImpl(data.toFile(), config, clock,
                duration -> clock.advance(duration));
        provider.bindMetrics(metrics.objects());
        return provider;
    }

    private long secondsToExpiry() {
        return (Long) metrics.gauges.get(MetricNames.TOKEN_EXPIRY_SECONDS).get();
    }

    @Test
    void renewalsAndFailuresAreCountedAndTheGaugeShowsTheSecondsToExpiry() throws Exception {
        server.then(TOKEN_PATH, 200, token("access-1", 600))
                .then(TOKEN_PATH, 503, error("temporarily_unavailable", "maintenance"));
        OAuthConfigurationProviderImpl provider = provider();
        assertEquals(0L, secondsToExpiry(), "no token yet");

        provider.getAccessToken();
        assertEquals(600L, secondsToExpiry());
        clock.advance(Duration.ofSeconds(400)); // renewal due: refused, the token stays in use
        provider.getAccessToken();
        assertEquals(200L, secondsToExpiry());
        clock.advance(Duration.ofSeconds(201)); // expired: refused again, nothing to use
        assertThrows(MailException.class, provider::getAccessToken);

        assertEquals(1, metrics.count(MetricNames.TOKEN_RENEWALS));
        assertEquals(2, metrics.count(MetricNames.TOKEN_FAILURES));
        assertEquals(0L, secondsToExpiry());
    }
}
