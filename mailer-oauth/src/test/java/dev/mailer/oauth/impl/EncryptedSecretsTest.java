package dev.mailer.oauth.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.api.MailException;
import dev.mailer.api.oauth.TokenStatus.RefreshTokenSource;
import dev.mailer.commons.crypto.EncryptedValues;
import dev.mailer.commons.crypto.SecretCipher;
import dev.mailer.commons.crypto.SecretCiphers;
import dev.mailer.commons.testing.FakeCrypto;
import dev.mailer.commons.testing.MutableClock;

/**
 * The token provider with a CryptoService: ENC(...) secrets are decrypted, the rotated refresh token
 * is stored encrypted; without the key, nothing is sent and the configured token is not sent instead.
 */
class EncryptedSecretsTest {

    private final MutableClock clock = new MutableClock();
    @RegisterExtension
    final OAuthTestServer server = new OAuthTestServer().rotatingRefreshTokens("refresh-0", 3600);

    @TempDir
    Path data;

    private OAuthConfigurationProviderImpl provider(Map<String, Object> config, SecretCipher cipher) {
        return new OAuthConfigurationProviderImpl(data.toFile(), config, clock, clock::advance, cipher);
    }

    private Map<String, Object> config(String refreshToken) {
        Map<String, Object> config = server.scriptedConfig();
        config.put("refreshToken", refreshToken);
        return config;
    }

    private String storedFile() throws Exception {
        return Files.readString(data.resolve(OAuthConfigurationProviderImpl.REFRESH_TOKEN_FILE));
    }

    @Test
    void anEncryptedRefreshTokenIsDecryptedAndTheRotatedOneIsStoredEncrypted() throws Exception {
        String enc = EncryptedValues.wrap(FakeCrypto.cipher("k1").encrypt("refresh-0"));

        assertEquals("access-1", provider(config(enc), FakeCrypto.cipher("k1")).getAccessToken());

        assertEquals(List.of("refresh-0"), server.refreshTokensReceived());
        assertFalse(storedFile().contains("refresh-1"), storedFile());
    }

    @Test
    void anEncryptedClientSecretWithoutACryptoServiceFailsNamingThePropertyAndNothingIsSent() throws Exception {
        Map<String, Object> config = config("refresh-0");
        config.put("clientSecret", EncryptedValues.wrap(FakeCrypto.cipher("k1").encrypt("client-s3cret")));

        MailException e = assertThrows(MailException.class, () -> provider(config, SecretCiphers.none()).getAccessToken());

        assertTrue(e.getMessage().contains("clientSecret: is written ENC(...), but it cannot be decrypted: there is no"
                + " CryptoService (names=mailer). Install Apache Sling Commons Crypto"), e.getMessage());
        assertEquals(List.of(), server.refreshTokensReceived());
    }

    @Test
    void anEncryptedRefreshTokenOfAnotherKeyFailsNamingThePropertyNeverTheValue() throws Exception {
        String enc = EncryptedValues.wrap(FakeCrypto.cipher("old").encrypt("refresh-0"));

        MailException e = assertThrows(MailException.class, () -> provider(config(enc), FakeCrypto.cipher("new")).getAccessToken());

        assertTrue(e.getMessage().contains("refreshToken: is written ENC(...), but it could not be decrypted with the"
                + " CryptoService (names=mailer)"), e.getMessage());
        assertFalse(e.getMessage().contains(enc.substring(4, 24)), e.getMessage());
        assertEquals(List.of(), server.refreshTokensReceived());
    }

    @Test
    void aStoredTokenEncryptedWithAKeyThatIsGoneFailsNamingTheFileAndTheConfiguredTokenIsNotSentInstead() throws Exception {
        // an earlier run with the old key stored the successor of refresh-0
        OAuthSettings settings = OAuthSettings.from(config("refresh-0"));
        RefreshTokenStore earlierRun = new RefreshTokenStore(data.resolve(OAuthConfigurationProviderImpl.REFRESH_TOKEN_FILE));
        earlierRun.useCipher(FakeCrypto.cipher("old"));
        earlierRun.put(RefreshTokenStore.keyOf(settings), "refresh-9", RefreshTokenSource.ROTATED, clock.instant());

        MailException e = assertThrows(MailException.class,
                () -> provider(config("refresh-0"), FakeCrypto.cipher("new")).getAccessToken());

        assertTrue(e.getMessage().startsWith("No OAuth2 access token: the stored refresh token "
                + data.resolve(OAuthConfigurationProviderImpl.REFRESH_TOKEN_FILE) + " is encrypted, but it could not be decrypted"
                + " with the CryptoService (names=mailer)"), e.getMessage());
        assertTrue(e.getDiagnosis().orElseThrow().contains("Restore the key"), e.getDiagnosis().orElseThrow());
        assertFalse(e.getMessage().contains("refresh-9"), e.getMessage());
        assertEquals(List.of(), server.refreshTokensReceived(), "the configured refresh-0 is not sent in its place");
    }

    @Test
    void duringAKeyRotationTheStoredTokenOfThePreviousKeyIsUsedAndItsSuccessorStoredWithTheCurrentKey() throws Exception {
        provider(config("refresh-0"), FakeCrypto.cipher("old")).getAccessToken();

        assertEquals("access-2", provider(config("refresh-0"), FakeCrypto.rotated("new", "old")).getAccessToken());

        assertEquals(List.of("refresh-0", "refresh-1"), server.refreshTokensReceived());
        RefreshTokenStore newKeyOnly = new RefreshTokenStore(data.resolve(OAuthConfigurationProviderImpl.REFRESH_TOKEN_FILE));
        newKeyOnly.useCipher(FakeCrypto.cipher("new"));
        assertEquals("refresh-2", newKeyOnly.get(RefreshTokenStore.keyOf(OAuthSettings.from(config("refresh-0")))).token);
    }
}
