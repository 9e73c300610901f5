package dev.mailer.oauth.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.commons.crypto.SecretCiphers;
import dev.mailer.osgiconfig.ConfigFiles;

/**
 * The managed identity profiles, read as the runtime reads them, are valid settings: on a VM with
 * nothing set, on App Service and on AKS with the variables Azure sets (given to the settings as the
 * environment; the interpolation sees none of them, surefire removes them).
 */
class PasswordlessProfilesTest {

    private static final String FILE = "mailer-profiles/acs-managed-identity/" + OAuthConfigurationProviderImpl.PID + ".cfg.json";

    @TempDir
    Path secrets;

    private OAuthSettings settings(Map<String, String> environment) throws Exception {
        return OAuthSettings.from(ConfigFiles.interpolated(FILE, OAuthConfigurationProviderImpl.PID, secrets), SecretCiphers.none(),
                environment::get);
    }

    @Test
    void onAVmTheSystemAssignedIdentityOfTheMetadataServiceIsUsed() throws Exception {
        OAuthSettings settings = settings(Map.of());

        assertEquals("managed_identity", settings.grantType);
        assertEquals(URI.create("http://169.254.169.254"), settings.imdsEndpoint);
        assertEquals(null, settings.identityEndpoint);
        assertEquals(null, settings.clientId);
        assertEquals("https://communication.azure.com/", settings.resource);
    }

    @Test
    void onAppServiceItsIdentityEndpointAndAUserAssignedIdentityAreUsed() throws Exception {
        OAuthSettings settings = settings(Map.of("IDENTITY_ENDPOINT", "http://localhost:42356/msi/token", "IDENTITY_HEADER", "h",
                "AZURE_CLIENT_ID", "user-assigned"));

        assertEquals(URI.create("http://localhost:42356/msi/token"), settings.identityEndpoint);
        assertEquals("h", settings.identityHeader);
        assertEquals("user-assigned", settings.clientId);
    }
}
