package dev.mailer.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import dev.mailer.launcher.args.ExitCodes;
import dev.mailer.launcher.args.Commands;
import dev.mailer.launcher.args.Usage;
import dev.mailer.launcher.args.UsageException;
import dev.mailer.launcher.devinbox.DevInboxServer;

/**
 * {@code java -jar mailer.jar [send ...]}: boots Apache Felix with the embedded bundles.
 *
 * <p>Why a Main of our own instead of bnd's exported launcher: the framework properties depend on
 * the environment at start (MAILER_* folders, the interpolation plugin's secrets folder), the
 * development inbox must be started and configured before the framework, and the framework storage
 * is kept across runs while changed bundles are updated (see {@link Container}).
 *
 * <p>The code that calls the MailService runs inside the framework (the CLI bundle,
 * {@code dev.mailer.launcher.cli}); this class reaches it through a service typed with JDK classes
 * only ({@link Container#runCommand}).
 */
public final class Main {

    static final String MAILER_CONFIG_DIR = "MAILER_CONFIG_DIR";
    static final String MAILER_PROFILE = "MAILER_PROFILE";
    static final String MAILER_SECRETS_DIR = "MAILER_SECRETS_DIR";
    static final String MAILER_DATA_DIR = "MAILER_DATA_DIR";
    static final String MAILER_LOG_LEVEL = "MAILER_LOG_LEVEL";
    static final String SMTP_HOST = "SMTP_HOST";

    static final String MAIL_SERVICE_PID = "dev.mailer.core.impl.DefaultMailService";

    /** The largest message the development inbox stores. */
    private static final long DEV_INBOX_MAX_MESSAGE = 32L * 1024 * 1024;

    /** How long the CLI bundle's command service may take to appear once the bundles are started. */
    private static final long COMMAND_TIMEOUT_MS = 30_000;

    /** Gogo's bundles: installed always, started only for the interactive shell. */
    private static final Set<String> SHELL_BUNDLES = Set.of("org.apache.felix.gogo.runtime", "org.apache.felix.gogo.shell",
            "org.apache.felix.gogo.command");

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    Main(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new Main(System.getenv(), System.out, System.err).run(args));
    }

    int run(String[] args) {
        boolean shell = args.length == 0;
        String[] commandArgs = shell ? new String[0] : Arrays.copyOfRange(args, 1, args.length);
        String command = shell ? null : args[0];
        if (!shell) {
            if (command.equals("--help") || command.equals("-h") || command.equals("help")) {
                out.println(Usage.TEXT);
                return ExitCodes.OK;
            }
            try {
                // checked here too, so that a typo costs no framework start
                if (Commands.parseForHelp(command, commandArgs)) {
                    out.println(Usage.TEXT);
                    return ExitCodes.OK;
                }
            } catch (UsageException e) {
                return usageError(e.getMessage());
            }
        }

        Path dataDir = absolute(env.getOrDefault(MAILER_DATA_DIR, ""), "mailer-data");
        Path secretsDir = absolute(env.getOrDefault(MAILER_SECRETS_DIR, ""), "secrets");
        configureLogging(shell);

        Container container = null;
        Thread shutdownHook = null;
        DevInboxSetup devInbox = new DevInboxSetup();
        try {
            Files.createDirectories(dataDir);
            String configuredDir = env.getOrDefault(MAILER_CONFIG_DIR, "");
            String profile = env.getOrDefault(MAILER_PROFILE, "").strip();
            boolean useDevInbox = configuredDir.isBlank() && profile.isEmpty() && env.getOrDefault(SMTP_HOST, "").isBlank();
            Map<String, byte[]> builtInConfig = configuredDir.isBlank() && !useDevInbox ? builtInConfig(profile) : Map.of();
            if (configuredDir.isBlank() && !useDevInbox) {
                if (builtInConfig.isEmpty()) {
                    return usageError(MAILER_PROFILE + "=" + profile + " is not a profile of this launcher; use one of "
                            + PROFILES + " (see osgi-config/README.md), or MAILER_CONFIG_DIR for your own files");
                }
            }
            Path configDir;
            if (!configuredDir.isBlank()) {
                configDir = Path.of(configuredDir).toAbsolutePath().normalize();
                if (!Files.isDirectory(configDir)) {
                    return usageError(MAILER_CONFIG_DIR + "=" + configuredDir + " is not a folder");
                }
            } else {
                configDir = dataDir.resolve(useDevInbox ? "dev-config" : "config");
            }

            Map<String, Object> properties = frameworkProperties(dataDir, secretsDir, configDir);
            Path configAdminDir = dataDir.resolve("configadmin");
            properties.put("felix.cm.dir", configAdminDir.toString());
            // Runs once init() holds the storage lock, so a second launcher on the same data folder
            // fails there and changes nothing of the first one's files.
            Container.ThrowingRunnable prepare = () -> {
                // ConfigAdmin's store is rebuilt from the configuration files on every start, so a
                // file removed while the launcher was down leaves no configuration behind. Bundle
                // data areas (felix-cache) are kept.
                deleteTree(configAdminDir);
                if (useDevInbox) {
                    devInbox.server = DevInboxServer.start(dataDir.resolve("dev-inbox"), DEV_INBOX_MAX_MESSAGE);
                    writeDevInboxConfig(configDir, devInbox.server);
                    err.println("mailer: " + SMTP_HOST + ", " + MAILER_PROFILE + " and " + MAILER_CONFIG_DIR + " are not set: mail goes to the embedded development inbox on "
                            + devInbox.server.getHost() + ":" + devInbox.server.getPort() + " and is stored as .eml files in "
                            + devInbox.server.getInbox() + ", not delivered. Set " + SMTP_HOST + " (and SMTP_FROM, ...) to send real mail.");
                } else if (configuredDir.isBlank()) {
                    replaceConfigFiles(configDir, builtInConfig);
                }
            };
            container = Container.start(properties, JarResources.read("bundles"), dataDir.resolve("launcher-bundles.properties"),
                    prepare, SHELL_BUNDLES, shell);

            Container running = container;
            shutdownHook = new Thread(() -> {
                running.stop();
                closeQuietly(devInbox.server);
            }, "mailer-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);

            if (shell) {
                container.waitForStop();
                return ExitCodes.OK;
            }
            Integer exit = container.runCommand(command, commandArgs, COMMAND_TIMEOUT_MS);
            if (exit == null) {
                err.println("mailer: the launcher's command bundle (dev.mailer.launcher.cli) did not register its " + command + " command within "
                        + COMMAND_TIMEOUT_MS / 1000 + " s; see the log above");
                return ExitCodes.CONTAINER_FAILED;
            }
            if (exit == ExitCodes.OK && devInbox.server != null) {
                for (Path message : devInbox.server.getStoredMessages()) {
                    err.println("mailer: development inbox: message stored in " + message);
                }
            }
            return exit;
        } catch (Container.ContainerException e) {
            err.println("mailer: ERROR: the OSGi container did not start:");
            for (String problem : e.getProblems()) {
                err.println("mailer: ERROR:   " + problem);
            }
            return ExitCodes.CONTAINER_FAILED;
        } catch (IOException e) {
            err.println("mailer: ERROR: " + e);
            return ExitCodes.CONTAINER_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.CONTAINER_FAILED;
        } finally {
            if (container != null) {
                container.stop();
            }
            closeQuietly(devInbox.server);
            if (shutdownHook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException e) {
                    // the JVM is already shutting down (Ctrl-C): the hook does the same
                }
            }
        }
    }

    private int usageError(String message) {
        err.println("mailer: " + message);
        err.println("Try 'java -jar mailer.jar --help'.");
        return ExitCodes.USAGE;
    }

    /** The framework properties; a system property of the same name (-D...) wins. */
    Map<String, Object> frameworkProperties(Path dataDir, Path secretsDir, Path configDir) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("org.osgi.framework.storage", dataDir.resolve("felix-cache").toString());
        properties.put("org.osgi.framework.storage.clean", "none");
        properties.put("felix.log.logger", new StderrFrameworkLogger());
        properties.put("felix.log.level", "2");
        // ConfigAdmin holds configurations back until the interpolation plugin is there, so no
        // component ever sees a raw $[env:...] placeholder
        properties.put("felix.cm.config.plugins", "org.apache.felix.configadmin.plugin.interpolation");
        properties.put("org.apache.felix.configadmin.plugin.interpolation.secretsdir", secretsDir.toString());
        properties.put("org.apache.felix.configadmin.plugin.interpolation.file.encoding", "UTF-8");
        properties.put("felix.fileinstall.dir", configDir.toString());
        properties.put("felix.fileinstall.filter", ".*\\.cfg\\.json");
        properties.put("felix.fileinstall.noInitialDelay", "true");
        properties.put("felix.fileinstall.poll", "1000");
        // FileInstall never writes configuration changes back into the watched folder: the
        // .cfg.json files stay the one source, as written
        properties.put("felix.fileinstall.enableConfigSave", "false");
        properties.put("mailer.launcher.service.wait", "30");
        properties.keySet().removeIf(key -> System.getProperty(key) != null);
        return properties;
    }

    /**
     * SLF4J simple (a fragment of slf4j-api in the framework) reads system properties. Default: warn
     * for send, so stderr shows problems only; info for the shell. MAILER_LOG_LEVEL overrides.
     */
    private void configureLogging(boolean shell) {
        String level = env.getOrDefault(MAILER_LOG_LEVEL, "").strip().toLowerCase(Locale.ROOT);
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
        setDefault("org.slf4j.simpleLogger.showThreadName", "false");
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", level.isEmpty() ? (shell ? "info" : "warn") : level);
        if (level.isEmpty()) {
            // the plugin warns about every absent secret file, even one with a default (absent = unset)
            setDefault("org.slf4j.simpleLogger.log.org.apache.felix.configadmin.plugin.interpolation", "error");
            // the SMTP trace (debug.email=true, MAIL_DEBUG) is logged at info: the setting itself is the switch
            setDefault("org.slf4j.simpleLogger.log.dev.mailer.core.smtp", "info");
        }
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** The configuration of the development inbox: plaintext to 127.0.0.1, no login. */
    static void writeDevInboxConfig(Path configDir, DevInboxServer inbox) throws IOException {
        String json = "{\n"
                + "  \"smtp.host\": \"" + inbox.getHost() + "\",\n"
                + "  \"smtp.port:Integer\": " + inbox.getPort() + ",\n"
                + "  \"smtp.user\": \"\",\n"
                + "  \"smtp.password\": \"\",\n"
                + "  \"from.address\": \"$[env:SMTP_FROM;default=mailer@localhost]\",\n"
                + "  \"smtp.ssl\": false,\n"
                + "  \"smtp.starttls\": false,\n"
                + "  \"smtp.requiretls\": false,\n"
                + "  \"debug.email\": \"$[env:MAIL_DEBUG;type=Boolean;default=false]\",\n"
                + "  \"oauth.flow\": false\n"
                + "}\n";
        replaceConfigFiles(configDir, Map.of(MAIL_SERVICE_PID + ".cfg.json", json.getBytes(StandardCharsets.UTF_8)));
    }

    /** The provider profiles packed into the jar from osgi-config ({@code mailer-profiles/NAME/}). */
    static final List<String> PROFILES = List.of("office365", "office365-app", "gmail", "acs");

    /**
     * The osgi-config files packed into the jar: the default set ({@code mailer-config/}), or a
     * provider profile's; empty for an unknown profile.
     */
    static Map<String, byte[]> builtInConfig(String profile) throws IOException {
        if (!profile.isEmpty()) {
            return PROFILES.contains(profile) ? JarResources.read("mailer-profiles/" + profile) : Map.of();
        }
        Map<String, byte[]> files = JarResources.read("mailer-config");
        if (files.isEmpty()) {
            throw new IOException("the launcher jar has no mailer-config/ files; rebuild it");
        }
        return files;
    }

    /** Makes the .cfg.json files of a folder exactly {@code files}; unchanged files are not touched. */
    private static void replaceConfigFiles(Path configDir, Map<String, byte[]> files) throws IOException {
        Files.createDirectories(configDir);
        try (DirectoryStream<Path> existing = Files.newDirectoryStream(configDir, "*.cfg.json")) {
            for (Path file : existing) {
                if (!files.containsKey(file.getFileName().toString())) {
                    Files.delete(file);
                }
            }
        }
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path target = configDir.resolve(file.getKey());
            if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), file.getValue())) {
                continue;
            }
            // written aside and moved, so FileInstall never reads half a file (its filter skips the .tmp)
            Path temp = Files.createTempFile(configDir, ".", ".tmp");
            Files.write(temp, file.getValue());
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static Path absolute(String value, String defaultValue) {
        return Path.of(value.isBlank() ? defaultValue : value).toAbsolutePath().normalize();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) walk.sorted((a, b) -> b.getNameCount() - a.getNameCount())::iterator) {
                Files.delete(path);
            }
        }
    }

    private static void closeQuietly(DevInboxServer server) {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                // stopping anyway
            }
        }
    }

    /** The development inbox, once started (from within the container's start). */
    private static final class DevInboxSetup {
        volatile DevInboxServer server;
    }
}
