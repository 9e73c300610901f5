package dev.mailer.configinstaller.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;

import org.junit.jupiter.api.Test;

class ConfigurationFileTest {

    @Test
    void singletonPidFromFileName() {
        ConfigurationFile file = ConfigurationFile.forFileName("dev.mailer.core.impl.DefaultMailService.cfg.json");
        assertFalse(file.isFactory());
        assertEquals("dev.mailer.core.impl.DefaultMailService", file.getPid());
        assertNull(file.getFactoryPid());
        assertNull(file.getName());
    }

    @Test
    void factoryPidAndNameFromFileName() {
        ConfigurationFile file = ConfigurationFile.forFileName("org.example.Factory~office365.cfg.json");
        assertTrue(file.isFactory());
        assertEquals("org.example.Factory", file.getFactoryPid());
        assertEquals("office365", file.getName());
        assertEquals("org.example.Factory~office365", file.getPid());
    }

    @Test
    void onlyFirstTildeSeparatesTheFactoryPid() {
        ConfigurationFile file = ConfigurationFile.forFileName("a.B~name~with~tildes.cfg.json");
        assertEquals("a.B", file.getFactoryPid());
        assertEquals("name~with~tildes", file.getName());
    }

    @Test
    void matchesOnlyCfgJson() {
        assertTrue(ConfigurationFile.matches("x.cfg.json"));
        assertFalse(ConfigurationFile.matches("x.cfg"));
        assertFalse(ConfigurationFile.matches("x.config"));
        assertFalse(ConfigurationFile.matches("x.json"));
        assertFalse(ConfigurationFile.matches("x.cfg.json.bak"));
    }

    @Test
    void unusableNamesAreRefusedWithTheFileName() {
        for (String name : new String[] {".cfg.json", "~name.cfg.json", "factory~.cfg.json", "  .cfg.json"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigurationFile.forFileName(name));
            assertTrue(e.getMessage().startsWith(name), e.getMessage());
        }
    }

    @Test
    void readsTypedProperties() throws IOException {
        String json = "{\n"
                + "  \"smtp.host\": \"$[env:SMTP_HOST;default=localhost]\",\n"
                + "  \"smtp.port:Integer\": 587,\n"
                + "  \"smtp.ssl\": false,\n"
                + "  \"scopes:String[]\": [\"a\", \"b\"],\n"
                + "  \"plain.number\": 12\n"
                + "}";
        Dictionary<String, Object> properties = read("p.cfg.json", json, new ArrayList<>());
        assertEquals("$[env:SMTP_HOST;default=localhost]", properties.get("smtp.host"));
        assertEquals(Integer.valueOf(587), properties.get("smtp.port"));
        assertEquals(Boolean.FALSE, properties.get("smtp.ssl"));
        assertArrayEquals(new String[] {"a", "b"}, (String[]) properties.get("scopes"));
        assertEquals(Long.valueOf(12), properties.get("plain.number"));
        assertEquals(5, properties.size());
    }

    @Test
    void acceptsComments() throws IOException {
        Dictionary<String, Object> properties = read("p.cfg.json", "{\n // why\n \"a\": \"b\" /* inline */\n}", new ArrayList<>());
        assertEquals("b", properties.get("a"));
    }

    @Test
    void invalidJsonNamesFileAndProblem() {
        IOException e = assertThrows(IOException.class, () -> read("broken.cfg.json", "{\n  \"a\": \"b\",\n  \"c\" 1\n}", new ArrayList<>()));
        assertTrue(e.getMessage().contains("broken.cfg.json"), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("json"), e.getMessage());
    }

    @Test
    void valueThatDoesNotFitItsTypeIsAnError() {
        IOException e = assertThrows(IOException.class, () -> read("typed.cfg.json", "{ \"smtp.port:Integer\": \"not a number\" }", new ArrayList<>()));
        assertTrue(e.getMessage().contains("typed.cfg.json"), e.getMessage());
    }

    @Test
    void notAnObjectIsAnError() {
        IOException e = assertThrows(IOException.class, () -> read("array.cfg.json", "[1, 2]", new ArrayList<>()));
        assertTrue(e.getMessage().contains("array.cfg.json"), e.getMessage());
    }

    private static Dictionary<String, Object> read(String fileName, String json, List<String> warnings) throws IOException {
        return ConfigurationFile.forFileName(fileName).read(new StringReader(json), warnings);
    }
}
