package dev.mailer.oauth.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.api.MailException;
import dev.mailer.api.oauth.TokenStatus;
import dev.mailer.commons.testing.MutableClock;

/** grantType=static: a token obtained elsewhere, from a file the test changes; time is a test clock. */
class StaticTokenSourceTest {

    private final MutableClock clock = new MutableClock();

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("oauth_access_token");
    }

    private AccessTokens tokens() throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put("grantType", "static");
        config.put("accessTokenFile", file().toString());
        OAuthSettings settings = OAuthSettings.from(config);
        return new AccessTokens(settings, new TokenEndpoint(settings), new RefreshTokenStore(dir.resolve("rt.properties")), clock);
    }

    /** An unsigned JWT expiring at {@code exp}: only its claims matter here. */
    static String jwt(Instant exp, String subject) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"sub\":\"" + subject + "\",\"exp\":" + exp.getEpochSecond() + "}")
                        .getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }

    /** Writes {@code token} and moves the file's time on, as a replaced file would have it. */
    private void write(String token, int version) throws Exception {
        Files.writeString(file(), token + "\n");
        Files.setLastModifiedTime(file(), FileTime.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(version)));
    }

    @Test
    void theJwtsExpClaimIsTheExpiryAndTheStatusWarnsBeforeIt() throws Exception {
        Instant exp = clock.instant().plus(Duration.ofHours(2));
        write(jwt(exp, "a"), 1);
        AccessTokens tokens = tokens();

        String token = tokens.get();
        assertEquals(exp, tokens.expiryOf(token));
        assertEquals(null, tokens.status().getLastError().orElse(null), "two hours left: nothing to say");

        clock.advance(Duration.ofMinutes(116)); // 4 minutes left, inside renewBeforeExpirySeconds (300)
        assertEquals(token, tokens.get(), "still the token: it works until it expires");
        TokenStatus status = tokens.status();
        assertEquals("static", status.getGrantType());
        assertEquals(file().toString(), status.getTokenUrl());
        String warning = status.getLastError().orElse("");
        assertTrue(warning.startsWith("The access token in " + file() + " expires at " + exp + " (its exp claim), and"
                + " grantType=static cannot renew it"), warning);
        assertFalse(status.isLastErrorPermanent());
        assertTrue(status.hasValidToken(clock.instant()));
        assertFalse(warning.contains(token));
    }

    @Test
    void theFileIsReadAgainWhenItChanges() throws Exception {
        write(jwt(clock.instant().plus(Duration.ofHours(1)), "first"), 1);
        AccessTokens tokens = tokens();
        String first = tokens.get();
        assertEquals(first, tokens.get());

        Instant secondExpiry = clock.instant().plus(Duration.ofHours(3));
        String second = jwt(secondExpiry, "second");
        write(second, 2);
        assertEquals(first, tokens.get(), "the file is looked at again only after the check interval");
        clock.advance(StaticTokenSource.CHANGE_CHECK_INTERVAL);

        assertEquals(second, tokens.get());
        assertEquals(secondExpiry, tokens.expiryOf(second));
    }

    @Test
    void anExpiredJwtFailsClearlyWithoutTheToken() throws Exception {
        Instant exp = clock.instant().minusSeconds(60);
        String expired = jwt(exp, "old");
        write(expired, 1);

        MailException e = assertThrows(MailException.class, tokens()::get);

        assertFalse(e.isTransient());
        assertEquals("accessTokenFile", e.getSetting().orElse(null));
        assertTrue(e.getMessage().startsWith("No OAuth2 access token: the access token in " + file() + " expired at " + exp
                + " (its exp claim); nothing was sent, and the mail server was not contacted."), e.getMessage());
        assertFalse(e.getMessage().contains(expired));
    }

    @Test
    void anOpaqueTokenIsUsedAsItIsAndReadAgainHourly() throws Exception {
        write("Bearer opaque-token", 1);
        AccessTokens tokens = tokens();

        assertEquals("opaque-token", tokens.get());
        assertEquals(clock.instant().plusSeconds(AccessTokens.DEFAULT_LIFETIME_SECONDS), tokens.expiryOf("opaque-token"));
        assertEquals(null, tokens.status().getLastError().orElse(null));
    }

    @Test
    void anEmptyFileNamesTheFile() throws Exception {
        write("", 1);

        MailException e = assertThrows(MailException.class, tokens()::get);

        assertTrue(e.getMessage().contains("the access token file " + file() + " is empty"), e.getMessage());
    }

    @Test
    void exactlyOneOfAccessTokenFileAndAccessTokenIsNeeded() {
        String problems = assertThrows(Exception.class, () -> OAuthSettings.from(Map.of("grantType", "static"))).getMessage();

        assertTrue(problems.contains("accessTokenFile: grantType=static needs exactly one of accessTokenFile"), problems);
        assertFalse(problems.contains("tokenUrl"), "no token endpoint is needed");
        assertFalse(problems.contains("clientId"), "nor a client");
    }
}
