package dev.mailer.osgiconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Hashtable;
import java.util.Map;

import org.apache.felix.cm.json.io.ConfigurationReader;
import org.apache.felix.cm.json.io.Configurations;
import org.apache.felix.configadmin.plugin.interpolation.StandaloneInterpolator;

/** Reads a packaged .cfg.json the way the runtime does: cm.json, then the interpolation plugin. */
public final class ConfigFiles {

    private ConfigFiles() {
    }

    /** The properties as written in the file, asserting cm.json skipped nothing. */
    public static Hashtable<String, Object> raw(String resource) throws IOException {
        try (InputStream in = ConfigFiles.class.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                ConfigurationReader configReader = Configurations.buildReader().withIdentifier(resource).build(reader);
                Hashtable<String, Object> config = configReader.readConfiguration();
                assertEquals(Collections.emptyList(), configReader.getIgnoredErrors());
                return config;
            }
        }
    }

    /** The properties as a component gets them, with this process's environment and {@code secrets}. */
    public static Hashtable<String, Object> interpolated(String resource, String pid, Path secrets) throws IOException {
        return interpolated(resource, pid, secrets, Map.of());
    }

    /** {@link #interpolated(String, String, Path)} with the framework properties {@code $[prop:...]} reads. */
    public static Hashtable<String, Object> interpolated(String resource, String pid, Path secrets,
            Map<String, String> frameworkProperties) throws IOException {
        // a copy, as ConfigAdmin hands plugins its own dictionary (cm.json's is not modifiable while iterated)
        Hashtable<String, Object> config = new Hashtable<>(raw(resource));
        new StandaloneInterpolator(frameworkProperties, secrets.toFile()).interpolate(pid, config);
        return config;
    }
}
