package dev.mailer.feature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes the Sling features of the mailer from the module's resolved dependencies (the output of
 * {@code mvn dependency:list} with scopes), so that the bundle list exists once, in mailer-bundles:
 * <ul>
 * <li>{@code mailer.json}: every compile-scope jar (mailer-bundles minus what Sling has), the
 * configurations of the given folder ({@code PID.cfg.json}, as they are: Sling's ConfigAdmin
 * resolves their {@code $[env:]}/{@code $[secret:]} values with the interpolation plugin) and of the
 * platform folders after it (the repoinit and service user mapping of the token store), and the
 * secrets folder as a framework property set by the variable {@code mailer.secrets.dir};</li>
 * <li>{@code mailer-oauth-PROFILE.json}, one a provider profile ({@code mailer-profiles/PROFILE/}):
 * the configurations the profile adds to the default ones (the token provider's; the mail
 * service's is the default one, set by the same variables), to aggregate with {@code mailer};</li>
 * <li>{@code sling-platform.json}: every provided-scope jar (the platform part of mailer-runtime),
 * with the ConfigAdmin plugin setting Sling Starter has: the base the feature is analysed and
 * launched on.</li>
 * </ul>
 * Runs in the build ({@code exec:java}); JDK classes only.
 */
public final class FeatureGenerator {

    /** The framework property of the Felix interpolation plugin that names the secrets folder. */
    static final String SECRETS_DIR_PROPERTY = "org.apache.felix.configadmin.plugin.interpolation.secretsdir";
    /** The feature variable that sets it ({@code -V mailer.secrets.dir=...}); the default is the usual container mount. */
    static final String SECRETS_DIR_VARIABLE = "mailer.secrets.dir";
    static final String SECRETS_DIR_DEFAULT = "/run/secrets";

    /**
     * A line of {@code dependency:list}: {@code group:artifact:type[:classifier]:version:scope}, maybe
     * followed by {@code -- module ...}.
     */
    private static final Pattern DEPENDENCY = Pattern.compile(
            "^\\s*([^:\\s]+):([^:\\s]+):([^:\\s]+)(?::([^:\\s]+))?:([^:\\s]+):(compile|provided|runtime|test|system)(?:\\s.*)?$");

    private FeatureGenerator() {
    }

    /** A resolved dependency. */
    static final class Dependency {
        final String groupId;
        final String artifactId;
        final String type;
        final String classifier;
        final String version;
        final String scope;

        Dependency(String groupId, String artifactId, String type, String classifier, String version, String scope) {
            this.groupId = groupId;
            this.artifactId = artifactId;
            this.type = type;
            this.classifier = classifier;
            this.version = version;
            this.scope = scope;
        }

        /** The Feature Model's artifact id: {@code group:artifact:version} or {@code group:artifact:type:classifier:version}. */
        String featureId() {
            return classifier == null ? groupId + ":" + artifactId + ":" + version
                    : groupId + ":" + artifactId + ":" + type + ":" + classifier + ":" + version;
        }
    }

    /**
     * @param args the project's {@code groupId:artifactId:version}, the {@code dependency:list} file,
     *             the folder of the default {@code .cfg.json} files, the folder of the profiles' folders, the
     *             output folder
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 5) {
            throw new IllegalArgumentException(
                    "usage: FeatureGenerator GROUP:ARTIFACT:VERSION DEPENDENCY_LIST CONFIG_DIR PROFILES_DIR OUTPUT_DIR [PLATFORM_CONFIG_DIR...]");
        }
        String[] gav = args[0].split(":");
        List<Dependency> dependencies = parse(Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8));
        Path output = Files.createDirectories(Path.of(args[4]));
        List<String[]> defaults = configurations(Path.of(args[2]));
        List<String[]> mailer = new ArrayList<>(defaults);
        for (int i = 5; i < args.length; i++) {
            mailer.addAll(configurations(Path.of(args[i])));
        }
        Files.writeString(output.resolve("mailer.json"),
                mailerFeature(featureId(gav, "mailer"), bundles(dependencies, "compile"), mailer), StandardCharsets.UTF_8);
        try (Stream<Path> profiles = Files.list(Path.of(args[3]))) {
            for (Path profile : profiles.filter(Files::isDirectory).sorted().collect(Collectors.toList())) {
                String classifier = "mailer-oauth-" + profile.getFileName();
                Files.writeString(output.resolve(classifier + ".json"),
                        profileFeature(featureId(gav, classifier), profile.getFileName().toString(),
                                added(configurations(profile), defaults)), StandardCharsets.UTF_8);
            }
        }
        Files.writeString(output.resolve("sling-platform.json"),
                platformFeature(featureId(gav, "sling-platform"), bundles(dependencies, "provided")), StandardCharsets.UTF_8);
    }

    private static String featureId(String[] gav, String classifier) {
        return gav[0] + ":" + gav[1] + ":slingosgifeature:" + classifier + ":" + gav[2];
    }

    /** The dependencies of a {@code dependency:list} output; other lines (the header) are skipped. */
    static List<Dependency> parse(List<String> lines) {
        List<Dependency> result = new ArrayList<>();
        for (String line : lines) {
            Matcher m = DEPENDENCY.matcher(line);
            if (m.matches()) {
                result.add(new Dependency(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6)));
            }
        }
        return result;
    }

    /** The jars of one scope, in the order Maven resolved them (the order of the poms). */
    static List<Dependency> bundles(List<Dependency> dependencies, String scope) {
        List<Dependency> bundles = dependencies.stream()
                .filter(d -> d.scope.equals(scope) && d.type.equals("jar"))
                .collect(Collectors.toList());
        if (bundles.isEmpty()) {
            throw new IllegalStateException("No " + scope + "-scope jar among the dependencies: the feature would be empty");
        }
        return bundles;
    }

    /** PID -> the JSON object of its {@code PID.cfg.json}, in the order of the PIDs. */
    static List<String[]> configurations(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<String[]> result = new ArrayList<>();
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".cfg.json")).sorted()
                    .collect(Collectors.toList())) {
                String name = file.getFileName().toString();
                String json = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!json.startsWith("{") || !json.endsWith("}")) {
                    throw new IllegalStateException(file + " is not a JSON object");
                }
                result.add(new String[] {name.substring(0, name.length() - ".cfg.json".length()), json});
            }
            if (result.isEmpty()) {
                throw new IllegalStateException("No .cfg.json file in " + dir);
            }
            return result;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The configurations of {@code profile} whose PIDs the defaults do not have (a PID in two features would clash). */
    static List<String[]> added(List<String[]> profile, List<String[]> defaults) {
        List<String> defaultPids = defaults.stream().map(c -> c[0]).collect(Collectors.toList());
        List<String[]> added = profile.stream().filter(c -> !defaultPids.contains(c[0])).collect(Collectors.toList());
        if (added.isEmpty()) {
            throw new IllegalStateException("A profile adds no configuration to the default ones");
        }
        return added;
    }

    static String profileFeature(String id, String profile, List<String[]> configurations) {
        StringBuilder json = new StringBuilder();
        json.append("{\n");
        json.append("  \"id\": ").append(quote(id)).append(",\n");
        json.append("  \"title\": ").append(quote("Mailer: OAuth2 with the " + profile + " profile")).append(",\n");
        json.append("  \"description\": ").append(quote("The token provider's configuration of the " + profile
                + " profile, every value from environment variables and secret files: aggregate with the mailer feature"
                + " and set SMTP_OAUTH=true")).append(",\n");
        appendConfigurations(json, configurations);
        json.append("\n}\n");
        return json.toString();
    }

    static String mailerFeature(String id, List<Dependency> bundles, List<String[]> configurations) {
        StringBuilder json = new StringBuilder();
        json.append("{\n");
        json.append("  \"id\": ").append(quote(id)).append(",\n");
        json.append("  \"title\": \"Mailer\",\n");
        json.append("  \"description\": ").append(quote("SMTP with OAuth2 (XOAUTH2) over TLS for Sling: the mailer's"
                + " bundles and its default configuration, every value from environment variables and secret files")).append(",\n");
        json.append("  \"variables\": {\n    ").append(quote(SECRETS_DIR_VARIABLE)).append(": ").append(quote(SECRETS_DIR_DEFAULT))
                .append("\n  },\n");
        json.append("  \"framework-properties\": {\n    ").append(quote(SECRETS_DIR_PROPERTY)).append(": ")
                .append(quote("${" + SECRETS_DIR_VARIABLE + "}")).append("\n  },\n");
        appendBundles(json, bundles);
        json.append(",\n");
        appendConfigurations(json, configurations);
        json.append("\n}\n");
        return json.toString();
    }

    private static void appendConfigurations(StringBuilder json, List<String[]> configurations) {
        json.append("  \"configurations\": {\n");
        for (int i = 0; i < configurations.size(); i++) {
            json.append("    ").append(quote(configurations.get(i)[0])).append(": ")
                    .append(configurations.get(i)[1].replace("\n", "\n    "))
                    .append(i + 1 < configurations.size() ? ",\n" : "\n");
        }
        json.append("  }");
    }

    static String platformFeature(String id, List<Dependency> bundles) {
        StringBuilder json = new StringBuilder();
        json.append("{\n");
        json.append("  \"id\": ").append(quote(id)).append(",\n");
        json.append("  \"title\": \"Sling platform (stand-in)\",\n");
        json.append("  \"description\": ").append(quote("What the mailer uses of Sling Starter's boot feature (DS, ConfigAdmin"
                + " with the interpolation plugin, cm.json, metatype, log, SLF4J, the servlet API): the base the mailer"
                + " feature is analysed and launched on in the build")).append(",\n");
        // as Sling Starter's boot feature: ConfigAdmin waits for the interpolation plugin before it hands out configurations
        json.append("  \"framework-properties\": {\n    \"felix.cm.config.plugins\": ")
                .append(quote("org.apache.felix.configadmin.plugin.interpolation")).append("\n  },\n");
        appendBundles(json, bundles);
        json.append("\n}\n");
        return json.toString();
    }

    private static void appendBundles(StringBuilder json, List<Dependency> bundles) {
        json.append("  \"bundles\": [\n");
        for (int i = 0; i < bundles.size(); i++) {
            json.append("    { \"id\": ").append(quote(bundles.get(i).featureId())).append(" }")
                    .append(i + 1 < bundles.size() ? ",\n" : "\n");
        }
        json.append("  ]");
    }

    /** A JSON string; the values here are coordinates and fixed texts, but quotes and backslashes are escaped all the same. */
    static String quote(String value) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                s.append('\\').append(c);
            } else if (c < 0x20) {
                s.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                s.append(c);
            }
        }
        return s.append('"').toString();
    }
}
