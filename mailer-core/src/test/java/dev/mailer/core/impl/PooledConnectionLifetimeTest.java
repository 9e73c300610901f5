package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.mailer.api.Email;
import dev.mailer.commons.testing.MutableClock;
import dev.mailer.testsupport.smtp.ExpiringTokenXoauth2;
import dev.mailer.testsupport.smtp.TestSmtpServer;
import dev.mailer.testsupport.smtp.TestSmtpServer.ReceivedMessage;
import dev.mailer.testsupport.smtp.TestSmtpServer.SmtpEvent;

/**
 * How long a pooled connection lives, on a test clock shared by the pool, the token provider and
 * the test server (which refuses every command of a session whose token expired): access tokens
 * that are renewed or about to expire, connections that are old or were idle for long.
 */
class PooledConnectionLifetimeTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final MutableClock clock = new MutableClock();
    private TestSmtpServer smtp;
    private SmtpSender sender;

    @AfterEach
    void stop() {
        if (sender != null) {
            sender.close();
        }
        if (smtp != null) {
            smtp.close();
        }
    }

    /** XOAUTH2 against {@code tokens}, each token valid on the server for as long as the provider says. */
    private TestTokens oauthServer(Duration lifetime, Duration renewBefore) throws Exception {
        TestTokens tokens = new TestTokens(clock, lifetime, renewBefore);
        smtp = TestSmtpServer.builder().withoutTls().clock(clock)
                .authenticateOnlyWith(new ExpiringTokenXoauth2(tokens::expiryOf, clock)).start();
        Map<String, Object> config = settings();
        config.put("oauth.flow", true);
        sender = new SmtpSender(SmtpSettings.from(config), null, clock);
        return tokens;
    }

    private void passwordServer(TestSmtpServer.Builder server, Map<String, Object> extra) throws Exception {
        smtp = server.withoutTls().credentials("workflow", "s3cret-Pa55").start();
        Map<String, Object> config = settings();
        config.put("smtp.password", "s3cret-Pa55");
        config.putAll(extra);
        sender = new SmtpSender(SmtpSettings.from(config), null, clock);
    }

    private Map<String, Object> settings() {
        Map<String, Object> config = new HashMap<>();
        config.put("smtp.host", "127.0.0.1");
        config.put("smtp.port", smtp.port());
        config.put("smtp.user", "workflow");
        config.put("from.address", "workflow@example.com");
        config.put("smtp.starttls", false);
        config.put("smtp.requiretls", false);
        config.put("smtp.timeout.read", 5_000);
        // the test clock jumps: only the limit under test may end a connection
        config.put("smtp.pool.idle.timeout", "PT1H");
        config.put("smtp.pool.max.age", "PT1H");
        return config;
    }

    /** @param tokens the token provider; null for a password login */
    private void send(TestTokens tokens) throws Exception {
        sender.send(Email.builder().to("jane@example.com").subject("s").text("t").build(), tokens);
    }

    private List<Integer> connections() {
        return smtp.messages().stream().map(ReceivedMessage::connection).collect(Collectors.toList());
    }

    private List<String> verbsOf(int connection) {
        return smtp.events().stream().filter(e -> e.isCommand() && e.connection() == connection).map(SmtpEvent::verb)
                .collect(Collectors.toList());
    }

    @Test
    void eachRenewedTokenGetsANewConnectionAndTheServerNeverSeesAnExpiredToken() throws Exception {
        // 10 s tokens renewed 5 s before they expire, as the token provider renews them (half a short lifetime)
        TestTokens tokens = oauthServer(Duration.ofSeconds(10), Duration.ofSeconds(5));

        for (int second = 0; second < 60; second++) {
            send(tokens);
            clock.advance(Duration.ofSeconds(1));
        }

        assertEquals(60, smtp.messages().size());
        assertEquals(0, smtp.count("AUTH-EXPIRED"), smtp.events().toString());
        assertEquals(12, tokens.issued(), "a token per 5 s, no request per message");
        assertEquals(12, smtp.count("CONNECT"), "a connection per token, five messages on each");
        assertEquals(11, smtp.count("QUIT"), "the connections of the renewed tokens ended");
    }

    @Test
    void aConnectionIsNotUsedShortlyBeforeItsTokenExpiresEvenWhileTheProviderStillHandsTheTokenOut() throws Exception {
        // a provider that hands a token out until its last second
        TestTokens tokens = oauthServer(Duration.ofSeconds(600), Duration.ZERO);
        send(tokens);
        clock.advance(Duration.ofSeconds(500));
        send(tokens);

        clock.advance(Duration.ofSeconds(41)); // 59 s left: inside the minute before expiry
        send(tokens);
        clock.advance(Duration.ofSeconds(60)); // expired: the provider issues the next
        send(tokens);

        assertEquals(List.of(1, 1, 2, 3), connections(), "retired a minute before its token expires");
        assertEquals(2, tokens.issued());
        assertEquals(0, smtp.count("AUTH-EXPIRED"), smtp.events().toString());
    }

    @Test
    void aTokenTheServerRefusesOnAPooledConnectionIsDroppedAndTheMessageGoesOutOnceOnANewConnectionWithAFreshOne() throws Exception {
        TestTokens tokens = new TestTokens(clock, Duration.ofSeconds(600), Duration.ofSeconds(300));
        // the server ends each token's validity 500 s early (revoked, say), which the provider cannot know
        smtp = TestSmtpServer.builder().withoutTls().clock(clock).authenticateOnlyWith(new ExpiringTokenXoauth2(
                token -> tokens.expiryOf(token) == null ? null : tokens.expiryOf(token).minusSeconds(500), clock)).start();
        Map<String, Object> config = settings();
        config.put("oauth.flow", true);
        sender = new SmtpSender(SmtpSettings.from(config), null, clock);
        send(tokens);
        clock.advance(Duration.ofSeconds(200));

        send(tokens);

        assertEquals(List.of(1, 2), connections());
        assertEquals(1, smtp.count("AUTH-EXPIRED"), "535 to MAIL FROM on the pooled connection");
        assertEquals(List.of("token-1"), tokens.invalidated(), "the refused token was dropped");
        assertEquals(2, tokens.issued());
    }

    @Test
    void aConnectionIdleForLongIsCheckedWithNoopBeforeTheNextMessage() throws Exception {
        passwordServer(TestSmtpServer.builder(), Map.of());
        send(null);
        send(null);
        clock.advance(SmtpConnectionPool.CHECK_AFTER_IDLE.plusSeconds(1));

        send(null);

        assertEquals(List.of(1, 1, 1), connections());
        assertEquals(List.of("EHLO", "AUTH", "MAIL", "RCPT", "DATA", "MAIL", "RCPT", "DATA", "NOOP", "MAIL", "RCPT", "DATA"),
                verbsOf(1));
    }

    @Test
    void aConnectionTheServerDroppedWhileIdleFailsItsNoopAndTheMessageGoesOutOnceOnANewOne() throws Exception {
        passwordServer(TestSmtpServer.builder().idleTimeout(Duration.ofMillis(300)), Map.of());
        send(null);
        smtp.awaitEvent("IDLE-TIMEOUT", WAIT);
        smtp.awaitOpenConnections(0, WAIT);
        clock.advance(SmtpConnectionPool.CHECK_AFTER_IDLE.plusSeconds(1));

        send(null);

        assertEquals(List.of(1, 2), connections());
        assertEquals(List.of("EHLO", "AUTH", "MAIL", "RCPT", "DATA"), verbsOf(1), "no message began on the dropped one");
    }

    @Test
    void aConnectionOlderThanMaxAgeEndsAndANewOneTakesOver() throws Exception {
        passwordServer(TestSmtpServer.builder(), Map.of("smtp.pool.max.age", "PT1M"));
        send(null);
        clock.advance(Duration.ofSeconds(59));
        send(null);
        clock.advance(Duration.ofSeconds(2));

        send(null);

        assertEquals(List.of(1, 1, 2), connections());
        assertTrue(verbsOf(1).contains("QUIT"), verbsOf(1).toString());
    }
}
