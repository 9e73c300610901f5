package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.api.crypto.Reencryption;
import dev.mailer.api.crypto.ReencryptionReport;
import dev.mailer.it.oauth.Issuers;
import dev.mailer.it.oauth.TokenRelay.Exchange;
import dev.mailer.it.support.CryptoServices;
import dev.mailer.it.support.ItPaths;
import dev.mailer.it.support.Services;

/**
 * The token provider (office365 profile, delegated, rotating refresh tokens) with Apache Sling
 * Commons Crypto's Jasypt CryptoService {@code names=mailer}: a client secret written
 * {@code ENC(...)} in its secret file is decrypted; the rotated refresh token is stored encrypted,
 * owner-only; a key rotation ({@code names=mailer.previous} for the old key, the
 * {@link Reencryption} services) loses no token; and a stored token whose key is gone fails naming
 * its file, without sending the configured token in its place.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EncryptedTokenIT extends OAuthTestSupport {

    private static final String STORE = "refresh-token.properties";

    private Path keyA;

    @Before
    public void configureCryptoService() throws IOException {
        keyA = newKey("a.key");
        CryptoServices.configure(context, configAdmin(), "mailer", keyA, deadline());
    }

    @After
    public void removeCryptoServices() throws IOException {
        CryptoServices.remove(context, configAdmin(), "mailer.previous", deadline());
        CryptoServices.remove(context, configAdmin(), "mailer", deadline());
    }

    private Path newKey(String name) throws IOException {
        Path key = CryptoServices.newKey(ItPaths.secretsDir().resolve(getClass().getSimpleName()).resolve(name));
        secrets.add(Files.readString(key));
        return key;
    }

    private File store() {
        return oauthBundle().getBundleContext().getDataFile(STORE);
    }

    /** Signs in, sends once (the server rotates the refresh token, which is stored) and returns the rotated one. */
    private String sendOnceAndStoreTheRotatedToken() throws IOException {
        useRefreshToken(obtainRefreshToken(Issuers.OFFICE365));
        send(installProfile(OFFICE365), simpleMail("first", "jane@example.com"));
        return tokenEndpoint.last().refreshToken();
    }

    private MailService oauthMailService() {
        return context.getService(Services.await(context, MailService.class, "(&(oauth.flow=true)(smtp.port=" + env("SMTP_PORT") + "))",
                deadline(), () -> "the mail service of the office365 profile"));
    }

    @Test
    public void anEncryptedClientSecretIsDecryptedAndTheRotatedRefreshTokenIsStoredEncryptedOwnerOnly() throws Exception {
        useClientSecret(CryptoServices.encrypt(context, "mailer", clientSecret));

        String rotated = sendOnceAndStoreTheRotatedToken();

        smtp.awaitMessages(1, deadline());
        Exchange request = tokenEndpoint.last();
        assertEquals("the decrypted client secret was sent", clientSecret, request.form("client_secret"));
        assertEquals(200, request.status());
        String stored = Files.readString(store().toPath(), StandardCharsets.ISO_8859_1);
        assertThat("the rotated refresh token is not in the file in clear text", stored, not(containsString(rotated)));
        assertThat(stored, containsString("refresh_token.encrypted="));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store().toPath())));
    }

    @Test
    public void aKeyRotationReencryptsTheStoredRefreshTokenAndItIsStillUsedAfterwards() throws Exception {
        String rotated = sendOnceAndStoreTheRotatedToken();

        // the old key becomes the previous key's CryptoService, a new key the current one
        CryptoServices.configure(context, configAdmin(), "mailer.previous", keyA, deadline());
        CryptoServices.configure(context, configAdmin(), "mailer", newKey("b.key"), deadline());
        for (String stored : List.of("refresh-token", "outbox")) {
            Reencryption reencryption = context.getService(Services.await(context, Reencryption.class,
                    "(&(" + Reencryption.STORED + "=" + stored + ")(" + Reencryption.PREVIOUS_KEY + "=*))", deadline(),
                    () -> "the re-encryption of the " + stored + " with the previous key bound"));
            ReencryptionReport report = reencryption.reencrypt();
            assertTrue(report.toString() + report.getFailures(), report.isComplete());
            if (stored.equals("refresh-token")) {
                assertEquals(report.toString(), 1, report.getReencrypted());
            }
        }
        CryptoServices.remove(context, configAdmin(), "mailer.previous", deadline());
        restartOAuthBundle("refresh_token");

        send(oauthMailService(), simpleMail("after the key rotation", "jane@example.com"));

        smtp.awaitMessages(2, deadline());
        List<Exchange> requests = tokenEndpoint.exchanges();
        assertEquals(requests.toString(), 2, requests.size());
        assertEquals("the stored token, now under the new key, was sent", rotated, requests.get(1).refreshTokenSent());
        assertEquals(200, requests.get(1).status());
        assertThat(Files.readString(store().toPath(), StandardCharsets.ISO_8859_1), not(containsString(requests.get(1).refreshToken())));
    }

    @Test
    public void aStoredRefreshTokenWhoseKeyIsGoneFailsNamingTheFileAndTheConfiguredTokenIsNotSentInstead() throws Exception {
        sendOnceAndStoreTheRotatedToken();
        int requestsBefore = tokenEndpoint.count();

        CryptoServices.configure(context, configAdmin(), "mailer", newKey("c.key"), deadline());
        restartOAuthBundle("refresh_token");
        MailException e = sendFails(oauthMailService(), simpleMail("never sent", "jane@example.com"));

        assertThat(e.getMessage(), containsString("the stored refresh token " + store() + " is encrypted, but it could not be"
                + " decrypted with the CryptoService (names=mailer)"));
        assertThat(e.getMessage(), containsString("nothing was sent"));
        assertEquals("no token request: neither the stored nor the configured refresh token was sent", requestsBefore,
                tokenEndpoint.count());
        assertEquals(1, smtp.messages().size());
    }
}
