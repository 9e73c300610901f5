package dev.mailer.osgiconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A default has one source: the settings classes of mailer-core, mailer-oauth, mailer-relay and mailer-broker (SmtpSettings,
 * OAuthSettings, RelaySettings, BrokerSettings), which their metatype annotations use. The shipped files repeat some of them as
 * placeholder defaults ({@code $[env:SMTP_PORT;type=Integer;default=587]}); each must be the
 * metatype default of its property, as generated into the bundles (OSGI-INF/metatype).
 */
class MetatypeDefaultsTest {

    private static final List<String> METATYPE = List.of(
            "OSGI-INF/metatype/dev.mailer.core.impl.MailServiceConfiguration.xml",
            "OSGI-INF/metatype/dev.mailer.oauth.impl.OAuthProviderConfiguration.xml",
            "OSGI-INF/metatype/dev.mailer.relay.impl.RelayConfiguration.xml",
            "OSGI-INF/metatype/dev.mailer.broker.impl.BrokerConfiguration.xml");

    /**
     * The placeholder defaults a profile sets on purpose to another value than the component's
     * default: file (relative to the packaged resources) and property to that value.
     */
    private static final Map<String, Map<String, String>> PROFILE_SPECIFIC = Map.of(
            // Exchange Online and ACS accept 30 messages a minute per mailbox
            "mailer-profiles/office365/dev.mailer.core.impl.DefaultMailService.cfg.json", Map.of("smtp.rate.per.minute", "30"),
            "mailer-profiles/office365-app/dev.mailer.core.impl.DefaultMailService.cfg.json", Map.of("smtp.rate.per.minute", "30"),
            "mailer-profiles/acs/dev.mailer.core.impl.DefaultMailService.cfg.json", Map.of("smtp.rate.per.minute", "30"),
            "mailer-profiles/office365-managed-identity/dev.mailer.core.impl.DefaultMailService.cfg.json",
            Map.of("smtp.rate.per.minute", "30"),
            "mailer-profiles/acs-managed-identity/dev.mailer.core.impl.DefaultMailService.cfg.json",
            Map.of("smtp.rate.per.minute", "30"),
            // the identity of the machine, unless OAUTH_GRANT_TYPE says workload_identity (AKS)
            "mailer-profiles/acs-managed-identity/dev.mailer.oauth.impl.OAuthConfigurationProviderImpl.cfg.json",
            Map.of("grantType", "managed_identity"),
            "mailer-profiles/office365-managed-identity/dev.mailer.oauth.impl.OAuthConfigurationProviderImpl.cfg.json",
            Map.of("grantType", "managed_identity"));

    /** A whole value that is one placeholder with a default: {@code $[env:NAME;...;default=VALUE]}. */
    private static final Pattern PLACEHOLDER_DEFAULT = Pattern.compile("\\$\\[(?:env|secret):[^;\\]]+;(?:[^;\\]]*;)*default=([^;\\]\\[]*)\\]");

    @Test
    void everyPlaceholderDefaultInTheShippedFilesIsTheMetatypeDefault() throws Exception {
        Map<String, Map<String, String>> metatype = metatypeDefaults();
        int compared = 0;
        List<String> differing = new ArrayList<>();
        for (Path file : shippedFiles()) {
            String name = file.getFileName().toString();
            Map<String, String> defaults = metatype.get(name.substring(0, name.length() - ".cfg.json".length()));
            assertNotNull(defaults, "no metatype for " + file);
            for (Map.Entry<String, String> entry : placeholderDefaults(file).entrySet()) {
                String relative = classesDir().relativize(file).toString().replace('\\', '/');
                String expected = PROFILE_SPECIFIC.getOrDefault(relative, Map.of()).getOrDefault(entry.getKey(),
                        defaults.get(entry.getKey()));
                if (expected != null) {
                    compared++;
                    if (!expected.equals(entry.getValue())) {
                        differing.add(classesDir().relativize(file) + ": " + entry.getKey() + " default=" + entry.getValue()
                                + ", the component's is " + expected);
                    }
                }
            }
        }
        assertEquals(List.of(), differing);
        assertTrue(compared > 0, "no placeholder default was compared");
    }

    @Test
    void theDefaultMailServiceFileGivesEveryMetatypeDefaultAsItsPlaceholderDefault() throws Exception {
        String pid = "dev.mailer.core.impl.DefaultMailService";
        Path file = classesDir().resolve("mailer-config/" + pid + ".cfg.json");
        Map<String, String> inFile = placeholderDefaults(file);
        Map<String, String> metatype = metatypeDefaults().get(pid);
        // DS reference targets (cryptoService.target) select a platform service: not a setting the file carries
        metatype.keySet().removeIf(property -> property.endsWith(".target"));
        inFile.keySet().retainAll(metatype.keySet());
        assertEquals(metatype, inFile);
    }

    /** PID to property to default, from the metatype the bundles carry. */
    private static Map<String, Map<String, String>> metatypeDefaults() throws Exception {
        Map<String, Map<String, String>> byPid = new HashMap<>();
        for (String resource : METATYPE) {
            try (InputStream in = MetatypeDefaultsTest.class.getClassLoader().getResourceAsStream(resource)) {
                assertNotNull(in, resource + " (generated by bnd into mailer-core / mailer-oauth)");
                Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
                Map<String, String> defaults = new TreeMap<>();
                NodeList attributes = xml.getElementsByTagName("AD");
                for (int i = 0; i < attributes.getLength(); i++) {
                    Element attribute = (Element) attributes.item(i);
                    if (attribute.hasAttribute("default")) {
                        defaults.put(attribute.getAttribute("id"), attribute.getAttribute("default"));
                    }
                }
                Element designate = (Element) xml.getElementsByTagName("Designate").item(0);
                byPid.put(designate.getAttribute("pid"), defaults);
            }
        }
        return byPid;
    }

    /** Property to default of every value in the file that is a placeholder with a default. */
    private static Map<String, String> placeholderDefaults(Path file) throws IOException {
        Map<String, String> defaults = new TreeMap<>();
        String resource = classesDir().relativize(file).toString().replace('\\', '/');
        for (Map.Entry<String, Object> entry : ConfigFiles.raw(resource).entrySet()) {
            Matcher matcher = PLACEHOLDER_DEFAULT.matcher(String.valueOf(entry.getValue()));
            if (matcher.matches()) {
                defaults.put(entry.getKey(), matcher.group(1));
            }
        }
        return defaults;
    }

    /** mailer-config/*.cfg.json and every profile's, as packaged. */
    private static List<Path> shippedFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(classesDir())) {
            // ours only: mailer-sling/ configures Sling's own components (RepositoryTokenStoreConfigurationTest checks it)
            List<Path> files = walk.filter(path -> path.getFileName().toString().endsWith(".cfg.json"))
                    .filter(path -> path.getFileName().toString().startsWith("dev.mailer.")).sorted().collect(Collectors.toList());
            assertFalse(files.isEmpty(), "no .cfg.json in " + classesDir());
            return files;
        }
    }

    private static Path classesDir() {
        URL folder = MetatypeDefaultsTest.class.getClassLoader().getResource("mailer-config");
        assertNotNull(folder, "mailer-config/ on the test classpath");
        try {
            return Path.of(folder.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(folder.toString(), e);
        }
    }
}
