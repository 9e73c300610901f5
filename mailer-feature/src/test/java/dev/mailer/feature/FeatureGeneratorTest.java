package dev.mailer.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureGeneratorTest {

    /** As maven-dependency-plugin 3.8 writes it with outputScope=true (module names, a classifier, a pom). */
    private static final List<String> LIST = List.of(
            "",
            "The following files have been resolved:",
            "   dev.mailer:mailer-bundles:pom:0.1.0-SNAPSHOT:compile",
            "   dev.mailer:mailer-api:jar:0.1.0-SNAPSHOT:compile -- module mailer.api (auto)",
            "   org.eclipse.angus:jakarta.mail:jar:2.0.5:compile -- module jakarta.mail",
            "   org.example:with-classifier:jar:all:1.2:compile",
            "   org.apache.felix:org.apache.felix.scr:jar:2.2.18:provided -- module org.apache.felix.scr (auto)",
            "   org.junit.jupiter:junit-jupiter:jar:5.11.4:test -- module org.junit.jupiter",
            "");

    @TempDir
    Path temp;

    @Test
    void theCompileScopeJarsBecomeTheMailerFeatureTheProvidedOnesThePlatformAndEachProfileAFeatureOfWhatItAdds() throws Exception {
        Path list = Files.write(temp.resolve("list.txt"), LIST, StandardCharsets.UTF_8);
        Path config = Files.createDirectory(temp.resolve("config"));
        Files.writeString(config.resolve("dev.mailer.core.impl.DefaultMailService.cfg.json"),
                "{\n  \"smtp.host\": \"$[env:SMTP_HOST;default=localhost]\",\n  \"smtp.password\": \"$[secret:smtp_password;default=]\"\n}\n");
        Files.writeString(config.resolve("README.txt"), "not a configuration");
        Path profiles = Files.createDirectories(temp.resolve("profiles/acs"));
        Files.writeString(profiles.resolve("dev.mailer.core.impl.DefaultMailService.cfg.json"), "{\"smtp.host\": \"smtp.azurecomm.net\"}");
        Files.writeString(profiles.resolve("dev.mailer.oauth.impl.OAuthConfigurationProviderImpl.cfg.json"),
                "{\"grantType\": \"client_credentials\", \"clientSecret\": \"$[secret:oauth_client_secret]\"}");
        Path out = temp.resolve("out");

        FeatureGenerator.main(new String[] {"dev.mailer:mailer-feature:1.0.0", list.toString(), config.toString(),
            profiles.getParent().toString(), out.toString()});

        JSONObject mailer = new JSONObject(Files.readString(out.resolve("mailer.json")));
        assertEquals("dev.mailer:mailer-feature:slingosgifeature:mailer:1.0.0", mailer.getString("id"));
        assertEquals(List.of("dev.mailer:mailer-api:0.1.0-SNAPSHOT", "org.eclipse.angus:jakarta.mail:2.0.5",
                "org.example:with-classifier:jar:all:1.2"), ids(mailer.getJSONArray("bundles")));
        JSONObject configuration = mailer.getJSONObject("configurations").getJSONObject("dev.mailer.core.impl.DefaultMailService");
        assertEquals("$[env:SMTP_HOST;default=localhost]", configuration.getString("smtp.host"), "placeholders stay for Sling's ConfigAdmin");
        assertEquals(1, mailer.getJSONObject("configurations").length(), "only .cfg.json files are configurations");
        assertEquals("${mailer.secrets.dir}", mailer.getJSONObject("framework-properties")
                .getString("org.apache.felix.configadmin.plugin.interpolation.secretsdir"));
        assertEquals("/run/secrets", mailer.getJSONObject("variables").getString("mailer.secrets.dir"));

        JSONObject profile = new JSONObject(Files.readString(out.resolve("mailer-oauth-acs.json")));
        assertEquals("dev.mailer:mailer-feature:slingosgifeature:mailer-oauth-acs:1.0.0", profile.getString("id"));
        assertEquals(List.of("dev.mailer.oauth.impl.OAuthConfigurationProviderImpl"), List.copyOf(
                profile.getJSONObject("configurations").keySet()), "the profile's mail service configuration would clash with the default one");
        assertEquals("$[secret:oauth_client_secret]", profile.getJSONObject("configurations")
                .getJSONObject("dev.mailer.oauth.impl.OAuthConfigurationProviderImpl").getString("clientSecret"));

        JSONObject platform = new JSONObject(Files.readString(out.resolve("sling-platform.json")));
        assertEquals("dev.mailer:mailer-feature:slingosgifeature:sling-platform:1.0.0", platform.getString("id"));
        assertEquals(List.of("org.apache.felix:org.apache.felix.scr:2.2.18"), ids(platform.getJSONArray("bundles")));
        assertEquals("org.apache.felix.configadmin.plugin.interpolation",
                platform.getJSONObject("framework-properties").getString("felix.cm.config.plugins"));
    }

    @Test
    void aScopeWithoutJarsFailsTheBuildInsteadOfWritingAnEmptyFeature() {
        List<FeatureGenerator.Dependency> onlyCompile = FeatureGenerator.parse(LIST.subList(0, 4));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> FeatureGenerator.bundles(onlyCompile, "provided"));
        assertTrue(e.getMessage().contains("No provided-scope jar"), e.getMessage());
    }

    @Test
    void aConfigurationThatIsNoJsonObjectFailsTheBuild() throws Exception {
        Path config = Files.createDirectory(temp.resolve("config"));
        Files.writeString(config.resolve("x.cfg.json"), "[]");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> FeatureGenerator.configurations(config));
        assertTrue(e.getMessage().contains("x.cfg.json is not a JSON object"), e.getMessage());
    }

    private static List<String> ids(JSONArray bundles) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < bundles.length(); i++) {
            ids.add(bundles.getJSONObject(i).getString("id"));
        }
        return ids;
    }
}
