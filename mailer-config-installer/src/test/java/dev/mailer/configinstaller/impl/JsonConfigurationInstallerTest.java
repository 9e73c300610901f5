package dev.mailer.configinstaller.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

class JsonConfigurationInstallerTest {

    @TempDir
    Path dir;

    private FakeConfigurationAdmin configAdmin;
    private JsonConfigurationInstaller installer;

    @BeforeEach
    void setUp() {
        configAdmin = new FakeConfigurationAdmin();
        installer = new JsonConfigurationInstaller(configAdmin.proxy());
    }

    @Test
    void handlesOnlyCfgJson() {
        assertTrue(installer.canHandle(new File("a.b.cfg.json")));
        assertFalse(installer.canHandle(new File("a.b.cfg")));
        assertFalse(installer.canHandle(new File("bundle.jar")));
    }

    @Test
    void installCreatesConfigurationWithAnyLocation() throws Exception {
        File file = write("dev.example.Service.cfg.json", "{ \"a\": \"b\", \"n:Integer\": 3 }");
        installer.install(file);
        FakeConfigurationAdmin.Config config = configAdmin.configs.get("dev.example.Service");
        assertEquals("?", config.location);
        assertNull(config.factoryPid);
        assertEquals("b", config.properties.get("a"));
        assertEquals(3, config.properties.get("n"));
        assertEquals(1, config.updates);
    }

    @Test
    void factoryFileCreatesNamedFactoryConfiguration() throws Exception {
        installer.install(write("dev.example.Factory~main.cfg.json", "{ \"a\": \"b\" }"));
        FakeConfigurationAdmin.Config config = configAdmin.configs.get("dev.example.Factory~main");
        assertEquals("dev.example.Factory", config.factoryPid);
        assertEquals("?", config.location);
    }

    @Test
    void unchangedContentDoesNotUpdate() throws Exception {
        File file = write("p.cfg.json", "{ \"a\": \"b\" }");
        installer.install(file);
        installer.update(write("p.cfg.json", "{\n  \"a\": \"b\"\n}\n"));
        assertEquals(1, configAdmin.configs.get("p").updates);
        installer.update(write("p.cfg.json", "{ \"a\": \"c\" }"));
        assertEquals(2, configAdmin.configs.get("p").updates);
        assertEquals("c", configAdmin.configs.get("p").properties.get("a"));
    }

    @Test
    void brokenFileIsLoggedAndKeepsThePreviousConfiguration() throws Exception {
        installer.install(write("p.cfg.json", "{ \"a\": \"b\" }"));
        installer.update(write("p.cfg.json", "{ \"a\": "));
        assertEquals("b", configAdmin.configs.get("p").properties.get("a"));
        assertEquals(1, configAdmin.configs.get("p").updates);
    }

    @Test
    void uninstallDeletesTheConfiguration() throws Exception {
        File file = write("dev.example.Factory~main.cfg.json", "{ \"a\": \"b\" }");
        installer.install(file);
        installer.install(write("other.cfg.json", "{}"));
        installer.uninstall(file);
        assertFalse(configAdmin.configs.containsKey("dev.example.Factory~main"));
        assertTrue(configAdmin.configs.containsKey("other"));
    }

    @Test
    void filterValuesAreEscaped() {
        assertEquals("a\\(b\\)\\*\\\\", JsonConfigurationInstaller.escapeFilterValue("a(b)*\\"));
    }

    private File write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8).toFile();
    }

    /** Just enough of ConfigurationAdmin for the installer: an in-memory map by PID. */
    static final class FakeConfigurationAdmin {
        final Map<String, Config> configs = new LinkedHashMap<>();

        static final class Config {
            String pid;
            String factoryPid;
            String location;
            Hashtable<String, Object> properties;
            int updates;
        }

        ConfigurationAdmin proxy() {
            return (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ConfigurationAdmin.class},
                    (p, method, args) -> {
                        switch (method.getName()) {
                            case "getConfiguration":
                                return configuration(get((String) args[0], null, (String) args[1]));
                            case "getFactoryConfiguration":
                                return configuration(get(args[0] + "~" + args[1], (String) args[0], (String) args[2]));
                            case "listConfigurations":
                                String filter = (String) args[0];
                                List<Configuration> found = new ArrayList<>();
                                for (Config c : configs.values()) {
                                    if (filter.equals("(service.pid=" + JsonConfigurationInstaller.escapeFilterValue(c.pid) + ")")) {
                                        found.add(configuration(c));
                                    }
                                }
                                return found.isEmpty() ? null : found.toArray(new Configuration[0]);
                            default:
                                throw new UnsupportedOperationException(method.getName());
                        }
                    });
        }

        private Config get(String pid, String factoryPid, String location) {
            return configs.computeIfAbsent(pid, k -> {
                Config c = new Config();
                c.pid = pid;
                c.factoryPid = factoryPid;
                c.location = location;
                return c;
            });
        }

        @SuppressWarnings("unchecked")
        private Configuration configuration(Config c) {
            return (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Configuration.class},
                    (p, method, args) -> {
                        switch (method.getName()) {
                            case "getProperties":
                                return c.properties == null ? null : new Hashtable<>(c.properties);
                            case "updateIfDifferent":
                                Hashtable<String, Object> next = new Hashtable<>();
                                for (String key : Collections.list(((Dictionary<String, Object>) args[0]).keys())) {
                                    next.put(key, ((Dictionary<String, Object>) args[0]).get(key));
                                }
                                if (next.equals(c.properties)) {
                                    return false;
                                }
                                c.properties = next;
                                c.updates++;
                                return true;
                            case "delete":
                                configs.remove(c.pid);
                                return null;
                            case "getPid":
                                return c.pid;
                            default:
                                throw new UnsupportedOperationException(method.getName());
                        }
                    });
        }
    }
}
