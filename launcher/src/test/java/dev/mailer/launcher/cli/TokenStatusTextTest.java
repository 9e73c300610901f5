package dev.mailer.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.mailer.api.oauth.TokenStatus;

class TokenStatusTextTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private static String print(TokenStatus status) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TokenStatusText.print(status, NOW, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theKeepAliveLineShowsThePeriodTheLastOneAndWhenTheNextIsDue() {
        String text = print(TokenStatus.builder().grantType("refresh_token").keepAlive(Duration.ofDays(7))
                .lastKeepAlive(NOW.minusSeconds(60)).keepAliveDue(NOW.plus(Duration.ofDays(7))).build());
        assertTrue(text.contains("keep-alive:       after PT168H without a token; last 2026-03-01T11:59:00Z;"
                + " next due 2026-03-08T12:00:00Z\n"), text);
    }

    @Test
    void anOverdueKeepAliveSaysSoAndAnOffOneSaysOff() {
        String overdue = print(TokenStatus.builder().keepAlive(Duration.ofDays(7)).keepAliveDue(NOW.minusSeconds(3600)).build());
        assertTrue(overdue.contains("keep-alive:       after PT168H without a token; last none since the start;"
                + " next due 2026-03-01T11:00:00Z (overdue)\n"), overdue);
        assertTrue(print(TokenStatus.builder().keepAlive(Duration.ZERO).build()).contains("keep-alive:       off\n"));
    }
}
