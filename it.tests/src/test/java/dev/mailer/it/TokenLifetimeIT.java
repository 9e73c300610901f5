package dev.mailer.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.it.oauth.Issuers;
import dev.mailer.it.oauth.TokenRelay.Exchange;
import dev.mailer.testsupport.smtp.Xoauth2Mechanism.Attempt;
import dev.mailer.it.support.Await;

/**
 * The token lifecycle with tokens of a few seconds: renewed ahead of expiry, about once per
 * lifetime however many mails are sent (the SMTP server refuses expired tokens, so a late renewal
 * would show as a refused AUTH, and a pooled connection kept beyond its token's lifetime as a
 * refused command of its session); and one renewal however many threads ask at once.
 *
 * <p>Renewal is due {@code min(renewBeforeExpirySeconds, lifetime / 2)} before expiry (the profiles'
 * renewBeforeExpirySeconds is 300): for 3 s tokens 1 s before, i.e. every 2 s.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TokenLifetimeIT extends OAuthTestSupport {

    /** How long mails are sent in a row: more than two lifetimes of the short tokens. */
    private static final Duration SENDING = Duration.ofMillis(7_000);

    @Test
    public void mailsSentAcrossSeveralTokenExpiriesAllArriveWithOneTokenRequestPerLifetime() throws Exception {
        tokenEndpoint.useIssuer(Issuers.SHORT);
        useRefreshToken(obtainRefreshToken(Issuers.SHORT));
        MailService mail = installProfile(OFFICE365);

        Instant end = Instant.now().plus(SENDING);
        int sent = 0;
        while (Instant.now().isBefore(end)) {
            send(mail, simpleMail("mail " + ++sent, "jane@example.com"));
        }

        smtp.awaitMessages(sent, deadline());
        List<Exchange> requests = tokenEndpoint.answered();
        List<Attempt> attempts = xoauth2.attempts();
        List<Attempt> refused = attempts.stream().filter(a -> !a.accepted()).collect(Collectors.toList());
        assertEquals("every token was renewed before it expired: no AUTH refused: " + refused, List.of(), refused);
        assertEquals("no pooled connection outlived its token: " + smtp.events(), 0, smtp.count("AUTH-EXPIRED"));
        Set<String> tokensUsed = attempts.stream().map(Attempt::token).collect(Collectors.toCollection(LinkedHashSet::new));
        assertTrue("the mails span at least three tokens (two expiries): " + tokensUsed.size(), tokensUsed.size() >= 3);
        // the pooled connection ends when its token is renewed (or shortly before it expires), and after
        // smtp.pool.max.messages (100) mails: a login per token and per hundred mails, not per mail
        assertEquals("one connection per login", smtp.count("CONNECT"), attempts.size());
        assertTrue("at most two logins per token and one per 100 mails: " + attempts.size() + " logins, " + tokensUsed.size()
                + " tokens, " + sent + " mails", attempts.size() <= 2 * tokensUsed.size() + sent / 100);
        assertTrue("many mails per login: " + sent + " mails, " + attempts.size() + " logins", sent >= 3 * attempts.size());

        // renewed min(renewBeforeExpirySeconds = 300, expires_in / 2) before the announced expiry
        assertTrue("tokens renewed across at least two expiries: " + requests, requests.size() >= 3);
        assertTrue("many mails per token, not a token per mail: " + sent + " mails, " + requests.size() + " token requests",
                sent >= 3 * requests.size());
        assertOneRequestPerLifetime(requests);
        assertRefreshTokenChain(requests);
    }

    @Test
    public void fiftyThreadsSendingAtOnceWithAnExpiredTokenCauseExactlyOneTokenRequest() throws Exception {
        tokenEndpoint.useIssuer(Issuers.EXPIRING);
        MailService mail = installProfile(OFFICE365_APP);
        send(mail, simpleMail("first", "jane@example.com"));
        Exchange first = tokenEndpoint.last();
        // the next token lives long, so that only the expiry of the first one can cause a request
        tokenEndpoint.useIssuer(Issuers.OFFICE365);
        Await.past(first.accessTokenExpiry().plusMillis(100), deadline());

        int threads = 50;
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            String subject = "concurrent " + i;
            Thread sender = new Thread(() -> {
                ready.countDown();
                try {
                    go.await();
                    mail.send(simpleMail(subject, "jane@example.com"));
                } catch (MailException e) {
                    failures.add(subject + ": " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failures.add(subject + ": interrupted");
                }
            }, "sender-" + i);
            senders.add(sender);
            sender.start();
        }
        assertTrue("all senders ready", ready.await(deadline().toMillis(), TimeUnit.MILLISECONDS));
        go.countDown();
        for (Thread sender : senders) {
            sender.join(deadline().toMillis());
            assertTrue(sender.getName() + " finished", !sender.isAlive());
        }

        assertEquals("every send succeeded", List.of(), failures);
        smtp.awaitMessages(threads + 1, deadline());
        List<Exchange> requests = tokenEndpoint.exchanges();
        assertEquals("exactly one token request for the 50 sends after the expiry: " + requests, 2, requests.size());
        String renewed = requests.get(1).accessToken();
        assertNotNull(renewed);
        List<Attempt> attempts = xoauth2.attempts();
        // the 50 share the pool's connections (smtp.max.connections = 3), each logged in with the renewed token
        assertTrue("a login per pooled connection, not per send: " + attempts, attempts.size() >= 2 && attempts.size() <= 1 + 3);
        Set<String> tokens = new HashSet<>();
        for (Attempt attempt : attempts.subList(1, attempts.size())) {
            assertTrue(attempt.toString(), attempt.accepted());
            tokens.add(attempt.token());
        }
        assertEquals("all 50 sends used the one renewed token", Set.of(renewed), tokens);
        assertTrue("at most 3 connections at once: " + smtp.maxConcurrentConnections(), smtp.maxConcurrentConnections() <= 3);
    }

    /**
     * Rotation is on at the server: every refresh request must send the refresh token of the
     * previous answer, and none may be sent twice.
     */
    /**
     * Each request came when the token before it was due (renewed min(renewBeforeExpirySeconds = 300, expires_in / 2)
     * before the announced expiry), before that token expired, and within one lifetime of it: one request per lifetime.
     */
    static void assertOneRequestPerLifetime(List<Exchange> requests) {
        for (int i = 1; i < requests.size(); i++) {
            Exchange previous = requests.get(i - 1);
            long announced = previous.expiresIn();
            long renewAfterMillis = (announced - Math.min(300, announced / 2)) * 1000;
            Duration gap = Duration.between(previous.receivedAt(), requests.get(i).receivedAt());
            assertTrue("renewal " + i + " came " + gap.toMillis() + " ms after the previous request: not before it was due ("
                    + renewAfterMillis + " ms for expires_in=" + announced + ")", gap.toMillis() >= renewAfterMillis - 250);
            assertTrue("renewal " + i + " came before the previous token expired",
                    requests.get(i).receivedAt().isBefore(previous.accessTokenExpiry()));
            assertTrue("about once per lifetime: renewal " + i + " came " + gap.toMillis() + " ms after the previous one",
                    gap.toMillis() <= Issuers.SHORT.lifetimeSeconds() * 1000);
        }
    }

    static void assertRefreshTokenChain(List<Exchange> requests) {
        Set<String> sent = new HashSet<>();
        for (int i = 0; i < requests.size(); i++) {
            Exchange request = requests.get(i);
            assertEquals("refresh_token", request.grantType());
            assertEquals("request " + i + " succeeded: " + request, 200, request.status());
            assertTrue("request " + i + " sent a refresh token that was already exchanged", sent.add(request.refreshTokenSent()));
            if (i > 0) {
                assertEquals("request " + i + " sent the refresh token the previous answer rotated to",
                        requests.get(i - 1).refreshToken(), request.refreshTokenSent());
            }
        }
    }
}
