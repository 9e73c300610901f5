package dev.mailer.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.ProbeBuilder;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;

import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.api.OAuthConfigurationProvider;
import dev.mailer.it.oauth.Issuers;
import dev.mailer.it.oauth.TokenRelay.Exchange;
import dev.mailer.it.sling.SlingRepository;
import dev.mailer.it.support.ItPaths;
import dev.mailer.it.support.Services;
import dev.mailer.it.support.SlingClusterPlatform;
import dev.mailer.testsupport.smtp.Xoauth2Mechanism.Attempt;

/**
 * Two members of a cluster on one repository: two token providers (with their mail services) of the same app
 * registration and refresh token, each with its own caches and locks, as two AEM instances would have, whose
 * refresh token chain is in the repository they share (the office365 profile as shipped, with its default
 * tokenRepositoryPath, and the repoinit and service user mapping the mailer ships). Both send across several
 * lifetimes of short access tokens from the rotating test OAuth2 server: one refresh per expiry for both, never
 * the same refresh token twice, and both send with the token whichever of them obtained it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ClusterTokenChainIT extends OAuthTestSupport {

    /**
     * The names of the members' services (factory configurations PID~NAME; Felix SCR gives a PID either a plain or
     * factory configurations), which keep their caches, locks and files apart as two instances would.
     */
    private static final String FIRST = "member1";
    private static final String SECOND = "member2";
    /** How long both send: more than two lifetimes of the short tokens. */
    private static final Duration SENDING = Duration.ofMillis(7_000);
    private static final int THREADS_PER_MEMBER = 2;

    @Override
    @Configuration
    public Option[] configuration() {
        return SlingClusterPlatform.with(getClass(), super.configuration());
    }

    @ProbeBuilder
    public TestProbeBuilder probe(TestProbeBuilder probe) {
        return SlingClusterPlatform.probe(probe);
    }

    @Test
    public void twoMembersRefreshOncePerExpiryNeverSendARefreshTokenTwiceAndBothSendWithTheResult() throws Exception {
        // the repository first: the members keep their chain in it once it is there
        SlingRepository repository = SlingRepository.asServiceUser(context, SlingClusterPlatform.TEST_SUBSERVICE, deadline());
        tokenEndpoint.useIssuer(Issuers.SHORT);
        String configured = obtainRefreshToken(Issuers.SHORT);
        useRefreshToken(configured);
        MailService first = installMember(OFFICE365, FIRST);
        MailService second = installMember(OFFICE365, SECOND);

        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger sent = new AtomicInteger();
        Instant end = Instant.now().plus(SENDING);
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < THREADS_PER_MEMBER; i++) {
            senders.add(sender(FIRST + "-" + i, first, end, sent, failures));
            senders.add(sender(SECOND + "-" + i, second, end, sent, failures));
        }
        senders.forEach(Thread::start);
        for (Thread sender : senders) {
            sender.join(SENDING.plus(deadline()).toMillis());
            assertFalse(sender.getName() + " finished", sender.isAlive());
        }

        assertEquals("every send of both members succeeded; the first failures: "
                + failures.subList(0, Math.min(3, failures.size())), 0, failures.size());
        smtp.awaitMessages(sent.get(), deadline());
        List<Exchange> requests = tokenEndpoint.answered();
        assertTrue("the members sent across at least two expiries: " + requests, requests.size() >= 3);
        assertEquals("the first exchange sent the configured refresh token", configured, requests.get(0).refreshTokenSent());
        TokenLifetimeIT.assertRefreshTokenChain(requests);
        TokenLifetimeIT.assertOneRequestPerLifetime(requests);
        List<Attempt> attempts = xoauth2.attempts();
        assertEquals("every login of both members was accepted", List.of(),
                attempts.stream().filter(a -> !a.accepted()).collect(Collectors.toList()));
        Set<String> issued = requests.stream().map(Exchange::accessToken).collect(Collectors.toSet());
        assertTrue("the members logged in only with tokens the server issued to one of them",
                attempts.stream().map(Attempt::token).allMatch(issued::contains));

        // besides the access control list (rep:policy) of the shipped repoinit
        List<String> chains = repository.children(CHAINS).stream().filter(name -> !name.startsWith("rep:")).collect(Collectors.toList());
        assertEquals("one chain in the repository for the two members: " + chains, 1, chains.size());
        assertEquals("the repository holds the refresh token the last exchange rotated to",
                requests.get(requests.size() - 1).refreshToken(), repository.read(CHAINS + "/" + chains.get(0), "refreshToken"));
        for (Path file : dataAreaFiles()) {
            assertFalse("no member keeps a refresh token of its own: " + file, file.getFileName().toString().startsWith("refresh-token"));
        }
    }

    /** Where the profile's default tokenRepositoryPath keeps the chains (the shipped repoinit creates it). */
    private static final String CHAINS = SlingClusterPlatform.CONF_PATH + "/oauth";

    private Thread sender(String name, MailService mail, Instant end, AtomicInteger sent, List<String> failures) {
        return new Thread(() -> {
            int count = 0;
            while (Instant.now().isBefore(end)) {
                String subject = name + " mail " + ++count;
                try {
                    mail.send(simpleMail(subject, "jane@example.com"));
                    sent.incrementAndGet();
                } catch (MailException e) {
                    failures.add(subject + ": " + e.getMessage());
                }
            }
        }, name);
    }

    /**
     * Copies the profile's files as the named configurations {@code PID~member} (FileInstall never sees half a
     * file) and waits for the member's token provider and mail service.
     */
    private MailService installMember(String profile, String member) throws IOException {
        try (Stream<Path> list = Files.list(ItPaths.profilesDir().resolve(profile))) {
            for (Path file : list.filter(p -> p.toString().endsWith(".cfg.json")).collect(Collectors.toList())) {
                String name = file.getFileName().toString().replace(".cfg.json", "~" + member + ".cfg.json");
                Path temp = watchedDir().resolve(name + ".part");
                Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(temp, watchedDir().resolve(name), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        String named = "(" + MailService.SERVICE_NAME + "=" + member + ")";
        Services.await(context, OAuthConfigurationProvider.class, named, deadline(),
                () -> member + "'s token provider from " + watchedDir());
        ServiceReference<MailService> ref = Services.await(context, MailService.class, named, deadline(),
                () -> member + "'s mail service from " + watchedDir());
        return context.getService(ref);
    }

    /** The files in mailer-oauth's data area. */
    private List<Path> dataAreaFiles() throws IOException {
        Path area = oauthBundle().getDataFile("").toPath();
        try (Stream<Path> files = Files.list(area)) {
            return files.collect(Collectors.toList());
        }
    }
}
