package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;

import dev.mailer.api.MailService;
import dev.mailer.api.oauth.OAuthTokenManager;
import dev.mailer.api.oauth.TokenStatus;
import dev.mailer.it.oauth.Issuers;
import dev.mailer.it.oauth.TokenRelay.Exchange;
import dev.mailer.testsupport.smtp.Xoauth2Mechanism.Attempt;
import dev.mailer.it.support.Await;
import dev.mailer.it.support.LogFile;
import dev.mailer.it.support.Services;

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
public class TokenUpkeepIT extends OAuthTestSupport {

    /** The thread of its own the upkeep runs on without a Sling scheduler (UpkeepScheduler.THREAD_NAME). */
    static final String OWN_THREAD = "mailer-oauth-upkeep";
    static final String RENEWAL_JOB = "dev.mailer.oauth.upkeep.renewal";
    static final String KEEP_ALIVE_JOB = "dev.mailer.oauth.upkeep.keepalive";
    private static final String STORE = "refresh-token.properties";
    /** How long mails are sent in a row: more than two lifetimes of the 4 s tokens. */
    private static final Duration SENDING = Duration.ofSeconds(10);

    /** The thread that made each token request, in order (recorded while the relay holds the answer). */
    private final List<String> requesters = Collections.synchronizedList(new ArrayList<>());

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
        String configured = obtainRefreshToken(Issuers.OFFICE365);
        useRefreshToken(configured);
        recordRequesters();
        installProfile(OFFICE365, Map.of("keepAlive", "PT3S"));

        List<Exchange> requests = tokenEndpoint.awaitAnswered(3, Duration.ofSeconds(30));
        requests = requests.subList(0, 3);
        TokenLifetimeIT.assertRefreshTokenChain(requests);
        assertEquals("the configured refresh token first", configured, requests.get(0).refreshTokenSent());
        for (int i = 1; i < requests.size(); i++) {
            long gap = Duration.between(requests.get(i - 1).receivedAt(), requests.get(i).receivedAt()).toMillis();
            assertTrue("keep-alive " + i + " came " + gap + " ms after the previous: not before keepAlive=PT3S", gap >= 2_900);
            assertTrue("keep-alive " + i + " came " + gap + " ms after the previous: about keepAlive=PT3S", gap <= 6_000);
        }
        for (int i = 0; i < 3; i++) {
            assertKeepAliveJob("token request " + i, requesters.get(i));
        }
        TokenStatus status = tokenStatus();
        assertEquals(Duration.ofSeconds(3), status.getKeepAlive().orElseThrow());
        assertTrue(status.toString(), status.getLastKeepAlive().isPresent());
        assertTrue(status.toString(), status.getLastError().isEmpty());
        assertEquals("nothing was sent", List.of(), xoauth2.attempts());
        assertScheduledHere();

        // once the provider is gone no more requests come: the store holds the last one's rotated refresh token
        removeProfile();
        Path store = oauthBundle().getBundleContext().getDataFile(STORE).toPath();
        Await.until(() -> {
            Exchange last = tokenEndpoint.last();
            return last.answered() && last.refreshToken() != null && read(store).contains(last.refreshToken());
        }, deadline(), () -> store + " to hold the refresh token of the last answer");
        String stored = read(store);
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

    /** From now on, records which thread makes each token request. */
    private void recordRequesters() {
        tokenEndpoint.whileAnswering(exchange -> requesters.add(requester()));
    }

    /** The thread that is inside the token provider's token request now, while the relay has not answered. */
    private static String requester() {
        List<String> found = new ArrayList<>();
        for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
            for (StackTraceElement frame : thread.getValue()) {
                if (frame.getClassName().equals("dev.mailer.oauth.impl.TokenEndpoint")) {
                    found.add(thread.getKey().getName());
                    break;
                }
            }
        }
        return found.size() == 1 ? found.get(0) : "not one thread: " + found;
    }

    private TokenStatus tokenStatus() {
        ServiceReference<OAuthTokenManager> ref = Services.await(context, OAuthTokenManager.class, null, deadline(),
                () -> "the token manager");
        return context.getService(ref).getStatus();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Without a Sling scheduler, both jobs run on the thread of its own. */
    protected void assertRenewalJob(String what, String thread) {
        assertEquals(what + " was made by the upkeep's thread", OWN_THREAD, thread);
    }

    protected void assertKeepAliveJob(String what, String thread) {
        assertEquals(what + " was made by the upkeep's thread", OWN_THREAD, thread);
    }

    /** The upkeep runs on its own daemon thread, and is no whiteboard job. */
    protected void assertScheduledHere() throws Exception {
        Thread own = upkeepThread();
        assertTrue("the upkeep's thread runs", own != null);
        assertTrue("the upkeep's thread is a daemon", own.isDaemon());
        assertEquals("no whiteboard job", List.of(), List.copyOf(context.getServiceReferences(Runnable.class,
                "(scheduler.name=dev.mailer.oauth.upkeep.*)")));
    }

    /** The upkeep's own thread, or null. */
    static Thread upkeepThread() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals(OWN_THREAD) && thread.isAlive()) {
                return thread;
            }
        }
        return null;
    }

    static void assertNoUpkeepThread() {
        assertNull("no thread of its own", upkeepThread());
    }
}
