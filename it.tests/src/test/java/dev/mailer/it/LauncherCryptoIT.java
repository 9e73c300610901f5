package dev.mailer.it;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.Test;

import dev.mailer.it.oauth.Issuers;
import dev.mailer.it.oauth.OAuthFlows;
import dev.mailer.it.oauth.TokenRelay.Exchange;
import dev.mailer.it.support.LauncherProcess;
import dev.mailer.testsupport.pki.TestPki;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * Secrets at rest with the launcher, run as a user runs it: {@code encrypt} reads a secret from
 * stdin and prints only its {@code ENC(...)} form, making the key {@code MAILER_SECRETS_DIR/mailer.key}
 * owner-only on first use; that value as {@code smtp.password} sends; under another key it fails
 * naming the property and nothing is sent; {@code reencrypt} rotates the key and the stored refresh
 * token (encrypted on disk) is still used by the next send.
 */
public class LauncherCryptoIT extends LauncherOAuthTestBase {

    private static final Pattern ENC = Pattern.compile("ENC\\([A-Za-z0-9+/=]+\\)\\R?");

    /** {@code java -jar mailer.jar encrypt} with {@code value} on stdin; returns the result, the key file checked. */
    private LauncherProcess.Result encrypt(String value) throws IOException, InterruptedException {
        Path stdin = Files.writeString(temp.getRoot().toPath().resolve("stdin-" + System.nanoTime()), value + "\n");
        Map<String, String> env = Map.of("MAILER_SECRETS_DIR", secretsDir.toString(), "MAILER_DATA_DIR", dataDir.toString());
        LauncherProcess.Result result = LauncherProcess.start(workDir, env, temp.getRoot().toPath().resolve("output"), stdin, "encrypt")
                .await(RUN_DEADLINE);
        assertEquals("exit 0: " + describe(result), 0, result.exit());
        assertTrue("only ENC(...) on stdout: " + describe(result), ENC.matcher(result.stdout()).matches());
        assertThat("the value is never echoed", result.stdout() + result.stderr(), not(containsString(value)));
        return result;
    }

    /** The default configuration (no profile) against a plain server with a password login. */
    private Map<String, String> basicAuthEnv(TestSmtpServer server) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SMTP_HOST", "localhost");
        env.put("SMTP_PORT", String.valueOf(server.port()));
        env.put("SMTP_USER", MAILBOX);
        env.put("SMTP_FROM", MAILBOX);
        env.put("SMTP_STARTTLS", "false");
        env.put("SMTP_REQUIRETLS", "false");
        env.put("MAILER_SECRETS_DIR", secretsDir.toString());
        env.put("MAILER_DATA_DIR", dataDir.toString());
        return env;
    }

    private static String enc(LauncherProcess.Result encrypted) {
        return encrypted.stdout().strip();
    }

    @Test
    public void encryptPrintsOnlyTheEncFormMakesAnOwnerOnlyKeyAndThatValueAsSmtpPasswordSends() throws Exception {
        String password = TestPki.randomPassword();
        secrets.put("smtp password", password);

        String encrypted = enc(encrypt(password));

        Path key = secretsDir.resolve("mailer.key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertTrue("a strong random key", Files.readString(key).strip().length() >= 43);
        writeSecret("smtp_password", encrypted);
        try (TestSmtpServer server = TestSmtpServer.builder().withoutTls().credentials(MAILBOX, password).start()) {
            LauncherProcess.Result sent = launch(basicAuthEnv(server), "send", "--to", RECIPIENT, "--subject", "Encrypted password",
                    "--text", "Sent with ENC(...)");

            assertNoSecretIn(sent);
            assertEquals("exit 0: " + describe(sent), 0, sent.exit());
            assertEquals(MAILBOX, server.awaitMessages(1, SERVER_DEADLINE).get(0).authenticatedUser());
        }
    }

    @Test
    public void aPasswordEncryptedWithAnotherKeyFailsNamingSmtpPasswordAndNothingIsSent() throws Exception {
        String password = TestPki.randomPassword();
        secrets.put("smtp password", password);
        writeSecret("smtp_password", enc(encrypt(password)));
        // the key is lost: another one takes its place
        Files.writeString(secretsDir.resolve("mailer.key"), TestPki.randomPassword());

        try (TestSmtpServer server = TestSmtpServer.builder().withoutTls().credentials(MAILBOX, password).start()) {
            LauncherProcess.Result sent = launch(basicAuthEnv(server), "send", "--to", RECIPIENT, "--subject", "Never sent",
                    "--text", "-");

            assertNoSecretIn(sent);
            assertEquals("exit 1 (permanent): " + describe(sent), 1, sent.exit());
            assertThat(describe(sent), sent.stderr(), containsString("smtp.password: is written ENC(...), but it could not be"
                    + " decrypted with the CryptoService (names=mailer)"));
            assertThat(describe(sent), sent.stderr(), containsString("another key"));
            assertEquals("no connection: " + server.events(), List.of(), server.events());
        }
    }

    @Test
    public void reencryptRotatesTheKeyAndTheStoredRefreshTokenIsStillUsedByTheNextSend() throws Exception {
        writeSecret(CLIENT_SECRET_FILE, enc(encrypt(clientSecret)));
        writeSecret(REFRESH_TOKEN_FILE, OAuthFlows.obtainRefreshToken(oauthServer, Issuers.OFFICE365, CLIENT_ID, clientSecret));
        LauncherProcess.Result first = launch(env("office365"), "send", "--to", RECIPIENT, "--subject", "Before", "--text", "-");
        assertEquals("exit 0: " + describe(first), 0, first.exit());
        String rotated = tokenEndpoint.last().refreshToken();
        assertEquals("the rotated refresh token is nowhere under MAILER_DATA_DIR in clear text", List.of(), filesUnder(dataDir, rotated));
        String oldKey = Files.readString(secretsDir.resolve("mailer.key"));
        String oldSecretFile = Files.readString(secretsDir.resolve(CLIENT_SECRET_FILE));

        LauncherProcess.Result reencrypted = launch(env("office365"), "reencrypt");

        assertNoSecretIn(reencrypted);
        assertEquals("exit 0: " + describe(reencrypted), 0, reencrypted.exit());
        assertThat(describe(reencrypted), reencrypted.stdout(), containsString("refresh-token.properties: 1 re-encrypted"));
        assertThat(describe(reencrypted), reencrypted.stderr(), containsString("mailer.key.previous is removed"));
        assertNotEquals("a new key", oldKey, Files.readString(secretsDir.resolve("mailer.key")));
        assertFalse(Files.exists(secretsDir.resolve("mailer.key.previous")));
        assertNotEquals("the ENC(...) client secret was written with the new key", oldSecretFile,
                Files.readString(secretsDir.resolve(CLIENT_SECRET_FILE)));

        LauncherProcess.Result second = launch(env("office365"), "send", "--to", RECIPIENT, "--subject", "After", "--text", "-");

        assertNoSecretIn(second);
        assertEquals("exit 0: " + describe(second), 0, second.exit());
        List<Exchange> requests = tokenEndpoint.exchanges();
        assertEquals(requests.toString(), 2, requests.size());
        assertEquals("the stored refresh token, re-encrypted, was sent", rotated, requests.get(1).refreshTokenSent());
        assertEquals(clientSecret, requests.get(1).form("client_secret"));
        assertEquals(200, requests.get(1).status());
        assertEquals(List.of(), filesUnder(dataDir, requests.get(1).refreshToken()));
        smtp.awaitMessages(2, SERVER_DEADLINE);
        assertTrue(new String(smtp.messages().get(1).data(), StandardCharsets.UTF_8).contains("Subject: After"));
    }
}
