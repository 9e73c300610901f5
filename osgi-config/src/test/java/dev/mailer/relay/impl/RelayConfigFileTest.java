package dev.mailer.relay.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.commons.config.InvalidConfigurationException;
import dev.mailer.osgiconfig.ConfigFiles;
import dev.mailer.relay.PasswordHash;

/**
 * The relay's packaged file read the way the runtime does (cm.json, then the interpolation plugin),
 * then by the relay's own settings: RELAY_NETWORKS is a comma-separated list (surefire sets it, see
 * the pom), the users come from the secret relay_users, everything else has its default.
 */
class RelayConfigFileTest {

    private static final String RESOURCE = "mailer-relay/" + RelaySettings.PID + ".cfg.json";

    @TempDir
    Path secrets;

    @Test
    void theEnvironmentsNetworksAndTheSecretsUsersReachTheRelay() throws Exception {
        Files.writeString(secrets.resolve("relay_users"), "scanner:" + PasswordHash.create("s3cret".toCharArray()) + "\n");
        Files.writeString(secrets.resolve("relay_tls_keystore_password"), "");
        Hashtable<String, Object> config = ConfigFiles.interpolated(RESOURCE, RelaySettings.PID, secrets);
        config.put("relay.tls.keystore.path", ""); // no certificate: the settings must say users need one

        assertEquals(List.of("192.168.10.0/24", "10.1.2.3"), List.of((String[]) config.get("relay.networks")));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> RelaySettings.from(config));
        assertEquals("The configuration of dev.mailer.relay.impl.SmtpRelay is invalid: relay.users: logins are accepted only"
                + " after STARTTLS, so users need the relay's own certificate: set relay.tls.keystore.path.", e.getMessage());
    }

    @Test
    void withoutUsersTheDefaultsMakeALoopbackRelayForTheNetworks() throws Exception {
        RelaySettings settings = RelaySettings.from(ConfigFiles.interpolated(RESOURCE, RelaySettings.PID, secrets));

        assertEquals(InetAddress.getByName("127.0.0.1"), settings.bind);
        assertEquals(2525, settings.port);
        assertTrue(settings.networks.contains(InetAddress.getByName("192.168.10.20")));
        assertTrue(settings.users.isEmpty());
        assertEquals(25 * 1024 * 1024, settings.maxMessageSize);
        assertEquals(SenderPolicy.KEEP, settings.sender);
        assertEquals(Optional.empty(), settings.mailService.get(), "the default mail service");
    }
}
