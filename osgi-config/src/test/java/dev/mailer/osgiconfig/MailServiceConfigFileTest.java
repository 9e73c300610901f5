package dev.mailer.osgiconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Hashtable;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads the packaged file the way the runtime does (cm.json, then the interpolation plugin) and
 * checks the values and types DefaultMailService gets. Surefire sets SMTP_PORT=2525 and
 * SMTP_STARTTLS=false and removes the other variables (see the pom), so env values and defaults
 * are both covered.
 */
class MailServiceConfigFileTest {

    private static final String PID = "dev.mailer.core.impl.DefaultMailService";
    private static final String RESOURCE = "mailer-config/" + PID + ".cfg.json";

    @TempDir
    Path secrets;

    @Test
    void defaultsAndEnvironmentGiveTypedValues() throws IOException {
        Hashtable<String, Object> config = interpolated();
        assertEquals("localhost", config.get("smtp.host"));
        assertEquals(Integer.valueOf(2525), config.get("smtp.port"));
        assertEquals("", config.get("smtp.user"));
        assertEquals("", config.get("smtp.password"));
        assertEquals(Boolean.FALSE, config.get("smtp.ssl"));
        assertEquals(Boolean.FALSE, config.get("smtp.starttls"));
        assertEquals(Boolean.TRUE, config.get("smtp.requiretls"));
        assertEquals(Boolean.FALSE, config.get("debug.email"));
        assertEquals(Boolean.FALSE, config.get("oauth.flow"));
        assertEquals(Integer.valueOf(10000), config.get("smtp.timeout.connect"));
        assertEquals(Integer.valueOf(60000), config.get("smtp.timeout.read"));
        assertEquals(Integer.valueOf(60000), config.get("smtp.timeout.write"));
        assertEquals("", config.get("smtp.truststore.path"));
        assertEquals("PKCS12", config.get("smtp.truststore.type"));
        assertEquals("", config.get("smtp.truststore.password"));
        assertEquals("PT30S", config.get("smtp.pool.idle.timeout"));
        assertEquals(Integer.valueOf(100), config.get("smtp.pool.max.messages"));
        assertEquals("PT5M", config.get("smtp.pool.max.age"));
    }

    @Test
    void requiredSenderWithoutVariableStaysAPlaceholder() throws IOException {
        // the service detects the unresolved placeholder and names from.address
        assertEquals("$[env:SMTP_FROM]", interpolated().get("from.address"));
    }

    @Test
    void secretsComeFromFilesTrimmed() throws IOException {
        Files.writeString(secrets.resolve("smtp_password"), "  s3cret\n");
        Files.writeString(secrets.resolve("smtp_truststore_password"), "changeit\n");
        Hashtable<String, Object> config = interpolated();
        assertEquals("s3cret", config.get("smtp.password"));
        assertEquals("changeit", config.get("smtp.truststore.password"));
    }

    @Test
    void everyVariableAndPropertyIsInTheReadmeTable() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Hashtable<String, Object> raw = raw();
        Set<String> names = new TreeSet<>();
        Matcher placeholder = Pattern.compile("\\$\\[(env|secret):([A-Za-z0-9_.]+)").matcher(String.valueOf(raw.values()));
        while (placeholder.find()) {
            names.add((placeholder.group(1).equals("secret") ? "secret `" : "`") + placeholder.group(2) + "`");
        }
        for (String key : Collections.list(raw.keys())) {
            names.add("`" + key + "`");
        }
        for (String name : names) {
            assertTrue(readme.contains("| " + name + " |"), "README.md table lacks " + name);
        }
    }

    private Hashtable<String, Object> raw() throws IOException {
        return ConfigFiles.raw(RESOURCE);
    }

    private Hashtable<String, Object> interpolated() throws IOException {
        return ConfigFiles.interpolated(RESOURCE, PID, secrets);
    }
}
