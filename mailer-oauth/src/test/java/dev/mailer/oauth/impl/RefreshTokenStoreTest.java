package dev.mailer.oauth.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.api.oauth.TokenStatus.RefreshTokenSource;

/** Which stored refresh token applies to which settings, and how it is kept on disk. */
class RefreshTokenStoreTest {

    private static final Instant SAVED = Instant.parse("2026-01-02T03:04:05Z");

    @TempDir
    Path data;

    private static OAuthSettings settings(String clientId, String tokenUrl, String refreshToken) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put("tokenUrl", tokenUrl);
        config.put("clientId", clientId);
        if (refreshToken != null) {
            config.put("refreshToken", refreshToken);
        }
        return OAuthSettings.from(config);
    }

    private static String key(String clientId, String tokenUrl, String refreshToken) throws Exception {
        return RefreshTokenStore.keyOf(settings(clientId, tokenUrl, refreshToken));
    }

    @Test
    void aStoredTokenBelongsToItsClientTokenUrlAndConfiguredToken() throws Exception {
        RefreshTokenStore store = new RefreshTokenStore(data.resolve("rt.properties"));
        String tokenUrl = "https://login.microsoftonline.com/contoso/oauth2/v2.0/token";
        store.put(key("app", tokenUrl, null), "authorized-s3cret", RefreshTokenSource.AUTHORIZED, SAVED);

        assertEquals("authorized-s3cret", store.get(key("app", tokenUrl, null)).token);
        assertNull(store.get(key("app", tokenUrl, "newly-configured")), "a newly configured refresh token wins");
        assertNull(store.get(key("another-app", tokenUrl, null)), "another app registration does not get it");
        assertNull(store.get(key("app", "https://login.microsoftonline.com/fabrikam/oauth2/v2.0/token", null)),
                "nor another tenant");
    }

    @Test
    void survivesARestartWithSourceAndTimeOwnerOnly() throws Exception {
        Path file = data.resolve("rt.properties");
        String key = key("app", "https://oauth2.googleapis.com/token", "configured");
        new RefreshTokenStore(file).put(key, "rotated-s3cret", RefreshTokenSource.ROTATED, SAVED);

        RefreshTokenStore.Stored stored = new RefreshTokenStore(file).get(key);

        assertEquals("rotated-s3cret", stored.token);
        assertEquals(RefreshTokenSource.ROTATED, stored.source);
        assertEquals(SAVED, stored.savedAt);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String content = Files.readString(file);
        assertTrue(content.contains("source=ROTATED"), content);
        assertTrue(content.contains("saved=2026-01-02T03\\:04\\:05Z"), content);
        assertFalse(Files.exists(data.resolve("rt.properties.tmp")), "the temporary file was moved into place");
        assertFalse(stored.toString().contains("rotated-s3cret"), stored.toString());
    }

    @Test
    void aFileOfTheEarlierFormatIsIgnored() throws Exception {
        Path file = data.resolve("rt.properties");
        Files.writeString(file, "configured.sha256=0123\nrefresh_token=old\n");
        assertNull(new RefreshTokenStore(file).get(key("app", "https://oauth2.googleapis.com/token", null)));
    }

    @Test
    void withoutStorageTheTokenIsKeptInMemory() throws Exception {
        RefreshTokenStore store = new RefreshTokenStore(null);
        String key = key("app", "https://oauth2.googleapis.com/token", null);
        assertNull(store.get(key));
        store.put(key, "authorized-s3cret", RefreshTokenSource.AUTHORIZED, SAVED);
        assertEquals(RefreshTokenSource.AUTHORIZED, store.get(key).source);
    }

    @Test
    void aRotationDoesNotReplaceANewerTokenAnotherProcessStoredMeanwhile() throws Exception {
        Path file = data.resolve("rt.properties");
        String key = key("app", "https://login.example.com/token", "configured");
        RefreshTokenStore ours = new RefreshTokenStore(file);
        RefreshTokenStore otherProcess = new RefreshTokenStore(file);
        ours.put(key, "refresh-1", RefreshTokenSource.ROTATED, SAVED);
        otherProcess.put(key, "refresh-2", RefreshTokenSource.ROTATED, SAVED); // it exchanged refresh-1 first

        assertFalse(ours.replace(key, "refresh-1", "refresh-2-late", SAVED), "the newer token on disk is kept");
        assertEquals("refresh-2", new RefreshTokenStore(file).get(key).token);

        assertTrue(ours.replace(key, "refresh-2", "refresh-3", SAVED));
        assertEquals("refresh-3", new RefreshTokenStore(file).get(key).token);
        assertEquals(RefreshTokenSource.ROTATED, otherProcess.get(key).source);
        assertEquals("refresh-3", otherProcess.get(key).token, "read again from the file, not remembered");
    }

    @Test
    void aRotationOfTheConfiguredTokenIsStoredUnlessATokenWasStoredMeanwhile() throws Exception {
        Path file = data.resolve("rt.properties");
        String key = key("app", "https://login.example.com/token", "configured");
        RefreshTokenStore store = new RefreshTokenStore(file);
        assertNull(store.get(key));
        new RefreshTokenStore(file).put(key, "authorized", RefreshTokenSource.AUTHORIZED, SAVED);

        assertFalse(store.replace(key, "configured", "refresh-1", SAVED), "a sign-in stored a newer token meanwhile");
        assertEquals("authorized", store.get(key).token);

        String otherKey = key("app", "https://login.example.com/token", "another-configured");
        assertTrue(store.replace(otherKey, "another-configured", "refresh-1", SAVED), "a token of other settings is no newer");
        assertEquals("refresh-1", store.get(otherKey).token);
    }

    @Test
    void theTokenIsOnDiskBeforeTheRenameAndTheRenameIsForcedAfterIt() throws Exception {
        Path file = data.resolve("rt.properties");
        String key = key("app", "https://login.example.com/token", null);
        new RefreshTokenStore(file).put(key, "refresh-1", RefreshTokenSource.ROTATED, SAVED);
        List<String> forced = new ArrayList<>();
        RefreshTokenStore store = new RefreshTokenStore(file, (channel, path) -> {
            channel.force(true);
            // what the file holds at this moment tells whether the rename came before or after
            forced.add(data.relativize(path) + (Files.readString(file).contains("refresh-2") ? " after" : " before")
                    + " the rename, " + channel.size() + " bytes");
        });

        store.put(key, "refresh-2", RefreshTokenSource.ROTATED, SAVED);

        assertEquals(2, forced.size(), forced.toString());
        assertTrue(forced.get(0).startsWith("rt.properties.tmp before the rename, "), forced.toString());
        assertFalse(forced.get(0).endsWith(" 0 bytes"), "the content was written when it was forced: " + forced);
        assertTrue(forced.get(1).startsWith(" after the rename"), "then the directory: " + forced);
        assertEquals("refresh-2", new RefreshTokenStore(file).get(key).token);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> files = Files.list(data)) {
            assertEquals(List.of(file), files.collect(Collectors.toList()), "no temporary file is left");
        }
    }

    @Test
    void everySpellingOfAFileGetsTheOneStoreOfThatFile() throws Exception {
        Path file = data.resolve("rt.properties");
        RefreshTokenStore store = RefreshTokenStores.of(file);

        assertSame(store, RefreshTokenStores.of(data.resolve("sub/../rt.properties")));
        assertSame(store.renewal(), RefreshTokenStores.of(file.toAbsolutePath()).renewal());
        assertNotSame(store, RefreshTokenStores.of(data.resolve("other.properties")));
    }
}
