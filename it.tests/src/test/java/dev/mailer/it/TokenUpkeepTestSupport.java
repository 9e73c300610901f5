package dev.mailer.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.osgi.framework.ServiceReference;

import dev.mailer.api.oauth.OAuthTokenManager;
import dev.mailer.api.oauth.TokenStatus;
import dev.mailer.it.oauth.Issuers;
import dev.mailer.it.oauth.TokenRelay.Exchange;
import dev.mailer.it.support.Services;

/**
 * What the tests of the token provider's upkeep share: which thread makes each token request (the
 * relay records it while the request waits for its answer), where the upkeep's jobs run (a thread
 * of its own here; {@link TokenUpkeepSlingIT} overrides that for the Sling scheduler), the stored
 * refresh token, and the keep-alive of a grant that no send uses.
 */
public abstract class TokenUpkeepTestSupport extends OAuthTestSupport {

    /** The thread of its own the upkeep runs on without a Sling scheduler (UpkeepScheduler.THREAD_NAME). */
    static final String OWN_THREAD = "mailer-oauth-upkeep";
    static final String RENEWAL_JOB = "dev.mailer.oauth.upkeep.renewal";
    static final String KEEP_ALIVE_JOB = "dev.mailer.oauth.upkeep.keepalive";
    /** The stored refresh token in mailer-oauth's data area (OAuthConfigurationProviderImpl.REFRESH_TOKEN_FILE). */
    private static final String STORE = "refresh-token.properties";
    /** The keep-alive period of {@link #keepAliveThreeTimesWithoutSends()}. */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(3);

    /** The thread that made each token request, in order (recorded while the relay holds the answer). */
    protected final List<String> requesters = Collections.synchronizedList(new ArrayList<>());

    /**
     * With the office365 profile ({@code keepAlive=PT3S}) and no sends: the keep-alive exchanges the
     * configured refresh token and then each rotated one, about every three seconds, on the upkeep's
     * job; the token status shows it without an error. The profile is removed at the end, so that no
     * more requests come: the last answer's refresh token is the one to be stored.
     */
    protected void keepAliveThreeTimesWithoutSends() throws Exception {
        String configured = obtainRefreshToken(Issuers.OFFICE365);
        useRefreshToken(configured);
        recordRequesters();
        installProfile(OFFICE365, Map.of("keepAlive", KEEP_ALIVE.toString()));

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
        assertEquals(KEEP_ALIVE, status.getKeepAlive().orElseThrow());
        assertTrue(status.toString(), status.getLastKeepAlive().isPresent());
        assertTrue(status.toString(), status.getLastError().isEmpty());
        assertEquals("nothing was sent", List.of(), xoauth2.attempts());
        assertScheduledHere();
        removeProfile();
    }

    /** From now on, records which thread makes each token request. */
    protected void recordRequesters() {
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

    protected TokenStatus tokenStatus() {
        ServiceReference<OAuthTokenManager> ref = Services.await(context, OAuthTokenManager.class, null, deadline(),
                () -> "the token manager");
        return context.getService(ref).getStatus();
    }

    /** The file of the stored refresh token. */
    protected Path store() {
        return oauthBundle().getBundleContext().getDataFile(STORE).toPath();
    }

    /** What {@link #store()} holds now; empty when there is no file. */
    protected String readStore() {
        Path file = store();
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
