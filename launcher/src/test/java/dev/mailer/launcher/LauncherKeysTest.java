package dev.mailer.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.launcher.args.CryptoKeys;

/** The launcher's key files: made once, owner-only, strong; rotated without ever losing the previous key. */
class LauncherKeysTest {

    @TempDir
    Path dir;

    private Path secrets() {
        return dir.resolve("secrets");
    }

    @Test
    void theKeyIsMadeOnFirstUseStrongAndOwnerOnlyInAnOwnerOnlyFolderAndKeptAfterwards() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        LauncherKeys keys = new LauncherKeys(secrets());

        assertTrue(keys.ensureKey());

        String key = Files.readString(keys.key());
        assertTrue(key.matches("[A-Za-z0-9_-]{43}"), "256 random bits, base64url: " + key.length() + " characters");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.key())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets())));
        assertFalse(keys.ensureKey());
        assertEquals(key, Files.readString(keys.key()));
        assertNotEquals(key, freshKey(), "random, not derived");
        try (var files = Files.list(secrets())) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    @Test
    void aRotationMakesTheKeyThePreviousKeyAndANewKey() throws Exception {
        LauncherKeys keys = new LauncherKeys(secrets());
        keys.ensureKey();
        String old = Files.readString(keys.key());

        assertTrue(keys.startRotation());

        assertEquals(old, Files.readString(keys.previous()));
        assertNotEquals(old, Files.readString(keys.key()));
        assertEquals(Map.of(CryptoKeys.KEY_PROPERTY, keys.key().toString(), CryptoKeys.PREVIOUS_KEY_PROPERTY, keys.previous().toString()),
                keys.frameworkProperties());
        keys.retirePrevious();
        assertEquals(Map.of(CryptoKeys.KEY_PROPERTY, keys.key().toString()), keys.frameworkProperties());
    }

    @Test
    void anUnfinishedRotationGoesOnAndThePreviousKeyIsNeverReplaced() throws Exception {
        LauncherKeys keys = new LauncherKeys(secrets());
        keys.ensureKey();
        keys.startRotation();
        String previous = Files.readString(keys.previous());
        String current = Files.readString(keys.key());

        assertFalse(keys.startRotation());

        assertEquals(previous, Files.readString(keys.previous()));
        assertEquals(current, Files.readString(keys.key()));
    }

    @Test
    void aNewKeyAnOperatorPutInPlaceWithTheOldOneAsPreviousIsKept() throws Exception {
        Files.createDirectories(secrets());
        Files.writeString(secrets().resolve(CryptoKeys.PREVIOUS_KEY_FILE), "the-old-key");
        Files.writeString(secrets().resolve(CryptoKeys.KEY_FILE), "the-operators-new-key");
        LauncherKeys keys = new LauncherKeys(secrets());

        assertFalse(keys.startRotation());
        assertFalse(keys.ensureKey());

        assertEquals("the-operators-new-key", Files.readString(keys.key()));
    }

    @Test
    void aKeyThatCannotBeMadeFailsNamingItAndWhatToDo() throws Exception {
        Files.writeString(secrets(), "a file where the secrets folder should be");

        IOException e = assertThrows(IOException.class, () -> new LauncherKeys(secrets()).ensureKey());

        assertTrue(e.getMessage().startsWith("cannot make the encryption key " + secrets().resolve("mailer.key")), e.getMessage());
        assertTrue(e.getMessage().contains("or put a key there yourself"), e.getMessage());
    }

    private String freshKey() throws Exception {
        LauncherKeys other = new LauncherKeys(dir.resolve("other"));
        other.ensureKey();
        return Files.readString(other.key());
    }
}
