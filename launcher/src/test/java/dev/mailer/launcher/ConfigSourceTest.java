package dev.mailer.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.launcher.args.UsageException;

/** The choice of the configuration source; the packed files themselves are read by LauncherIT (from mailer.jar). */
class ConfigSourceTest {

    @TempDir
    Path dataDir;

    @TempDir
    Path userDir;

    @Test
    void withoutAnySettingMailGoesToTheDevelopmentInbox() throws Exception {
        ConfigSource source = ConfigSource.choose(Map.of("SMTP_HOST", " "), dataDir, false);
        assertTrue(source.isDevInbox());
        assertEquals(dataDir.resolve("dev-config"), source.dir());
    }

    @Test
    void aConfigFolderWinsOverAProfileAndIsLeftAsItIs() throws Exception {
        Path own = Files.writeString(userDir.resolve("own.cfg.json"), "{}");
        ConfigSource source = ConfigSource.choose(Map.of("MAILER_CONFIG_DIR", userDir.toString(), "MAILER_PROFILE", "no-such-profile",
                "SMTP_HOST", "smtp.example.com"), dataDir, false);
        assertFalse(source.isDevInbox());
        assertEquals(userDir.toAbsolutePath().normalize(), source.dir());
        source.writePackedFiles();
        assertEquals("{}", Files.readString(own));
    }

    @Test
    void aConfigFolderThatDoesNotExistIsAUsageErrorNamingTheVariable() {
        UsageException e = assertThrows(UsageException.class,
                () -> ConfigSource.choose(Map.of("MAILER_CONFIG_DIR", userDir.resolve("missing").toString()), dataDir, false));
        assertTrue(e.getMessage().startsWith("MAILER_CONFIG_DIR=") && e.getMessage().endsWith("is not a folder"), e.getMessage());
    }

    @Test
    void anUnknownProfileIsAUsageErrorListingTheProfiles() {
        UsageException e = assertThrows(UsageException.class, () -> ConfigSource.choose(Map.of("MAILER_PROFILE", "office356"), dataDir, false));
        assertTrue(e.getMessage().contains("MAILER_PROFILE=office356 is not a profile"), e.getMessage());
        assertTrue(e.getMessage().contains("[office365, office365-app, gmail, acs, acs-managed-identity, office365-managed-identity,"
                + " static-token]"), e.getMessage());
    }

    @Test
    void aOneShotCommandNeverRunsTheRelayEvenWithRelayPort() throws Exception {
        // the files themselves are packed into mailer.jar (LauncherRelayIT runs serve with them)
        assertTrue(ConfigSource.choose(Map.of("RELAY_PORT", "2525"), dataDir, false).devInboxExtraFiles().isEmpty());
        assertTrue(ConfigSource.choose(Map.of(), dataDir, true).devInboxExtraFiles().isEmpty(), "no RELAY_PORT, no relay");
    }
}
