package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Properties;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.mailer.it.oauth.TokenRelay.Exchange;
import dev.mailer.it.support.Await;
import dev.mailer.it.support.CryptoServices;
import dev.mailer.it.support.ItPaths;

/**
 * The keep-alive of {@link TokenUpkeepIT} with Apache Sling Commons Crypto's Jasypt CryptoService
 * {@code names=mailer} configured (as {@link EncryptedTokenIT} does): with no sends, the refresh
 * token is exchanged on schedule, each rotated one is stored encrypted, no refresh token the server
 * issued is in the file in clear text, and a send afterwards uses the stored token.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EncryptedTokenUpkeepIT extends TokenUpkeepTestSupport {

    private static final String CRYPTO = "mailer";
    /** The stored form of the token with a CryptoService (RefreshTokenStore.REFRESH_TOKEN_ENCRYPTED). */
    private static final String ENCRYPTED = "refresh_token.encrypted";

    @Before
    public void configureCryptoService() throws IOException {
        Path key = CryptoServices.newKey(ItPaths.secretsDir().resolve(getClass().getSimpleName()).resolve("mailer.key"));
        secrets.add(Files.readString(key));
        CryptoServices.configure(context, configAdmin(), CRYPTO, key, deadline());
    }

    @After
    public void removeCryptoService() throws IOException {
        CryptoServices.remove(context, configAdmin(), CRYPTO, deadline());
    }

    @Test
    public void withoutSendsTheKeepAliveStoresEachRotatedRefreshTokenEncryptedAndASendUsesTheStoredOneAfterwards()
            throws Exception {
        keepAliveThreeTimesWithoutSends();

        // once the provider is gone no more requests come: the store holds the last one's rotated refresh token
        Await.until(() -> {
            Exchange last = tokenEndpoint.last();
            return last.answered() && last.refreshToken() != null && last.refreshToken().equals(storedToken());
        }, deadline(), () -> store() + " to hold the refresh token of the last answer, encrypted");
        String rotated = tokenEndpoint.last().refreshToken();
        List<Exchange> keptAlive = tokenEndpoint.exchanges();
        String stored = readStore();
        assertThat(stored, containsString(ENCRYPTED + "="));
        assertNoIssuedRefreshTokenIn(stored, keptAlive);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store())));

        send(installProfile(OFFICE365), simpleMail("after the keep-alives", "jane@example.com"));

        smtp.awaitMessages(1, deadline());
        List<Exchange> requests = tokenEndpoint.exchanges();
        assertEquals("one token request for the send: " + requests, keptAlive.size() + 1, requests.size());
        Exchange forTheSend = tokenEndpoint.last();
        assertEquals("the stored refresh token, decrypted, was sent", rotated, forTheSend.refreshTokenSent());
        assertEquals(200, forTheSend.status());
        assertNoIssuedRefreshTokenIn(readStore(), requests);
        assertThat(readStore(), containsString(ENCRYPTED + "="));
    }

    /** The refresh token in the store, decrypted with the CryptoService; null when none is stored encrypted. */
    private String storedToken() {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(readStore()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String encrypted = properties.getProperty(ENCRYPTED);
        return encrypted == null ? null : CryptoServices.decrypt(context, CRYPTO, encrypted);
    }

    /** Neither a refresh token that was sent (the configured one, each rotated one) nor one the server answered with. */
    private static void assertNoIssuedRefreshTokenIn(String stored, List<Exchange> requests) {
        for (Exchange request : requests) {
            for (String token : new String[] {request.refreshTokenSent(), request.refreshToken()}) {
                if (token != null) {
                    // not assertThat: its message would quote the token
                    assertFalse("a refresh token of the request at " + request.receivedAt() + " is in the file in clear text",
                            stored.contains(token));
                }
            }
        }
    }
}
