package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.mailer.api.MailService;
import dev.mailer.it.oauth.Issuers;
import dev.mailer.it.oauth.TokenRelay.Exchange;
import dev.mailer.testsupport.smtp.Xoauth2Mechanism.Attempt;
import dev.mailer.it.support.Await;
import dev.mailer.it.support.LogFile;

/**
 * The token provider's upkeep in a plain Felix (as the launcher is): no Sling scheduler, so a
 * daemon thread of its own runs it. Against the real OAuth2 server (rotating refresh tokens):
 * <ul>
 * <li>once a token is in use, it is renewed ahead of expiry: sends across several lifetimes of
 * 4 s tokens make no token request after the first (the relay sees which thread asks);</li>
 * <li>with no sends at all, the keep-alive exchanges the refresh token every {@code keepAlive} and
 * the rotated one is stored;</li>
 * <li>a refused keep-alive shows the provider's error in the token status and the log.</li>
 * </ul>
 * {@link TokenUpkeepSlingIT} runs the same with the Sling Commons Scheduler installed.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TokenUpkeepIT extends TokenUpkeepTestSupport {

    /** How long mails are sent in a row: more than two lifetimes of the 4 s tokens. */
    private static final Duration SENDING = Duration.ofSeconds(10);

    @Test
    public void sendsAcrossSeveralTokenLifetimesMakeNoTokenRequestAfterTheFirst() throws Exception {
        tokenEndpoint.useIssuer(Issuers.SHORT);
        useRefreshToken(obtainRefreshToken(Issuers.SHORT));
        MailService mail = installProfile(OFFICE365, Map.of("upkeepInterval", "PT1S"));
        recordRequesters();

        Instant end = Instant.now().plus(SENDING);
        int sent = 0;
        while (Instant.now().isBefore(end)) {
            send(mail, simpleMail("mail " + ++sent, "jane@example.com"));
        }

        smtp.awaitMessages(sent, deadline());
        // the renewal job goes on while the test looks: a request it just made may be unanswered
        List<Exchange> requests = tokenEndpoint.answered();
        assertTrue("renewed across several lifetimes: " + requests, requests.size() >= 3);
        List<String> askedBy = List.copyOf(requesters);
        assertTrue(requests.size() + " answered, asked by " + askedBy, askedBy.size() >= requests.size());
        assertEquals("the first token is the first send's", Thread.currentThread().getName(), askedBy.get(0));
        for (int i = 1; i < askedBy.size(); i++) {
            assertRenewalJob("token request " + i, askedBy.get(i));
        }
        List<Attempt> refused = xoauth2.attempts().stream().filter(a -> !a.accepted()).collect(Collectors.toList());
        assertEquals("no send used an expired token", List.of(), refused);
        assertEquals("no pooled connection outlived its token: " + smtp.events(), 0, smtp.count("AUTH-EXPIRED"));
        TokenLifetimeIT.assertRefreshTokenChain(requests);
        assertScheduledHere();
    }

    @Test
    public void withoutSendsTheKeepAliveExchangesTheRefreshTokenOnScheduleAndStoresTheRotatedOne() throws Exception {
        keepAliveThreeTimesWithoutSends();

        // once the provider is gone no more requests come: the store holds the last one's rotated refresh token
        Await.until(() -> {
            Exchange last = tokenEndpoint.last();
            return last.answered() && last.refreshToken() != null && readStore().contains(last.refreshToken());
        }, deadline(), () -> store() + " to hold the refresh token of the last answer");
        String stored = readStore();
        for (Exchange exchanged : tokenEndpoint.exchanges()) {
            assertThat("an exchanged refresh token is not kept", stored, not(containsString(exchanged.refreshTokenSent())));
        }
    }

    @Test
    public void aRefusedKeepAliveShowsTheProvidersErrorInTheStatusAndLogsAnError() throws Exception {
        useRefreshToken(obtainRefreshToken(Issuers.OFFICE365));
        String description = "AADSTS700082: The refresh token has expired due to inactivity. The token was issued on"
                + " 2026-01-01T00:00:00Z and was inactive for 90.00:00:00.";
        // every keep-alive is refused while the test looks
        tokenEndpoint.answerNext(1_000, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"" + description + "\"}");
        installProfile(OFFICE365, Map.of("keepAlive", "PT2S"));

        tokenEndpoint.awaitAnswered(1, deadline());
        Await.until(() -> tokenStatus().getLastError().isPresent(), deadline(), () -> "the keep-alive's failure in the status");
        String error = tokenStatus().getLastError().orElseThrow();
        assertThat(error, containsString("invalid_grant (" + description + ")"));
        assertThat(error, containsString("authorize again"));
        Await.until(() -> LogFile.lines().stream().anyMatch(line -> line.contains("ERROR dev.mailer.oauth.impl.TokenUpkeep -"
                + " Keep-alive failed") && line.contains(description)), deadline(), () -> "the keep-alive's error in the log");
        assertTrue(tokenStatus().getLastKeepAlive().isEmpty());
    }
}
