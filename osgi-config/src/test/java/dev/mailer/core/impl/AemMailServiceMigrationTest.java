package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.osgiconfig.ConfigFiles;

/**
 * The Day CQ Mail Service file of AEM as a Cloud Service, as Adobe documents it ("OAuth2 Support for
 * the Mail Service", src/test/resources/aem), becomes this project's by renaming it to our PID: read
 * the way the runtime reads it (cm.json, then the interpolation plugin; AEM_PROXY_HOST unset), our
 * settings reader accepts it with the meaning it has in AEM.
 */
class AemMailServiceMigrationTest {

    private static final String ADOBE_FILE = "aem/com.day.cq.mailer.DefaultMailService.cfg.json";

    @TempDir
    Path secrets;

    @Test
    void adobesDocumentedMailServiceFileIsAcceptedUnderOurPid() throws Exception {
        SmtpSettings settings = SmtpSettings.from(ConfigFiles.interpolated(ADOBE_FILE, DefaultMailService.PID, secrets));

        assertEquals("proxy.tunnel", settings.host);
        assertEquals(30465, settings.port);
        assertEquals("workflow@contoso.onmicrosoft.com", settings.user);
        assertEquals("workflow@contoso.onmicrosoft.com", settings.fromAddress);
        assertFalse(settings.ssl);
        assertTrue(settings.starttls);
        assertTrue(settings.requireTls);
        assertFalse(settings.debug);
        assertTrue(settings.oauth, "XOAUTH2 with the token provider's tokens; smtp.password is not used");
        assertEquals("proxy.tunnel", settings.tlsServerName, "without smtp.tls.servername TLS verifies smtp.host");
    }
}
