package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.mailer.api.MailService;
import dev.mailer.it.oauth.Issuers;
import dev.mailer.it.oauth.OAuthFlows;
import dev.mailer.it.oauth.TokenRelay.Exchange;

/**
 * Refresh-token rotation (the server answers every refresh with a new refresh token and forgets the
 * old one): the rotated token is kept in mailer-oauth's data area, owner-only, and used from then
 * on, also after a restart of the bundle; a refresh token once exchanged is never sent again
 * (asserted on the requests the token endpoint received). An admin's newly configured refresh
 * token wins over the stored rotation.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RefreshTokenRotationIT extends OAuthTestSupport {

    /** The file in mailer-oauth's data area that holds the rotated refresh token. */
    private static final String STORE = "refresh-token.properties";

    @Test
    public void afterARestartOfTheBundleTheRotatedRefreshTokenIsUsedAndTheOldOneNeverAgain() throws Exception {
        String configured = obtainRefreshToken(Issuers.OFFICE365);
        useRefreshToken(configured);
        MailService mail = installProfile(OFFICE365);
        send(mail, simpleMail("before the restart", "jane@example.com"));
        Exchange first = tokenEndpoint.last();
        assertTrue("the first refresh sent the configured refresh token", configured.equals(first.refreshTokenSent()));
        String rotated = first.refreshToken();
        assertNotNull("the server rotated the refresh token", rotated);
        assertFalse("the server rotated the refresh token", rotated.equals(configured));

        restartOAuthBundle("refresh_token");
        send(mail, simpleMail("after the restart", "jane@example.com"));
        send(mail, simpleMail("after the restart, with the cached token", "jane@example.com"));

        smtp.awaitMessages(3, deadline());
        List<Exchange> requests = tokenEndpoint.exchanges();
        assertEquals("one refresh before and one after the restart: " + requests, 2, requests.size());
        assertTrue("after the restart the rotated refresh token was sent, not the configured one",
                rotated.equals(requests.get(1).refreshTokenSent()));
        assertEquals("the configured refresh token was sent exactly once", 1,
                requests.stream().filter(r -> configured.equals(r.refreshTokenSent())).count());
        TokenLifetimeIT.assertRefreshTokenChain(requests);
        assertEquals("the server really revoked the old one: sending it again would fail", "invalid_grant",
                OAuthFlows.refreshError(oauthServer(), Issuers.OFFICE365, clientId(), clientSecret, configured));

        // kept in the bundle's data area, readable by the owner only: the latest rotation only
        File store = oauthBundle().getBundleContext().getDataFile(STORE);
        assertTrue(store + " exists", store.isFile());
        assertEquals("permissions of " + store, "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(store.toPath())));
        String stored = Files.readString(store.toPath(), StandardCharsets.ISO_8859_1);
        assertTrue("the store holds the latest refresh token", stored.contains(requests.get(1).refreshToken()));
        assertThat("the store does not hold the configured refresh token", stored, not(containsString(configured)));
        assertThat("the store does not hold an exchanged refresh token", stored, not(containsString(rotated)));
    }

    @Test
    public void aNewlyConfiguredRefreshTokenWinsOverTheStoredRotation() throws Exception {
        useRefreshToken(obtainRefreshToken(Issuers.OFFICE365));
        MailService mail = installProfile(OFFICE365);
        send(mail, simpleMail("with the first authorization", "jane@example.com"));
        String storedRotation = tokenEndpoint.last().refreshToken();

        // an admin authorizes again and puts the new refresh token into the secret file
        removeProfile();
        String reauthorized = obtainRefreshToken(Issuers.OFFICE365);
        useRefreshToken(reauthorized);
        mail = installProfile(OFFICE365);
        send(mail, simpleMail("with the new authorization", "jane@example.com"));

        smtp.awaitMessages(2, deadline());
        List<Exchange> requests = tokenEndpoint.exchanges();
        assertEquals(requests.toString(), 2, requests.size());
        assertTrue("the newly configured refresh token was sent", reauthorized.equals(requests.get(1).refreshTokenSent()));
        assertFalse("not the rotation stored for the old one",
                storedRotation.equals(requests.get(1).refreshTokenSent()));
        assertEquals(List.of(200, 200), requests.stream().map(Exchange::status).collect(Collectors.toList()));
    }
}
