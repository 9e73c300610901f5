package dev.mailer.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import dev.mailer.commons.config.Listening;
import dev.mailer.launcher.args.CryptoKeys;
import dev.mailer.launcher.args.ExitCodes;
import dev.mailer.launcher.args.Commands;
import dev.mailer.launcher.args.Usage;
import dev.mailer.launcher.args.ServiceOption;
import dev.mailer.launcher.args.UsageException;

/**
 * {@code java -jar mailer.jar [send ...]}: boots Apache Felix with the embedded bundles.
 *
 * <p>Every command runs the same way: the framework starts without the shell, the command runs
 * inside it, the framework stops; {@code serve}'s command returns only once the framework stops
 * (the shutdown hook stops it on Ctrl-C or SIGTERM). While a command runs, the mail service's
 * outbox delivers what earlier runs left.
 *
 * <p>Why a Main of our own instead of bnd's exported launcher: the framework properties depend on
 * the environment at start (MAILER_* folders, the interpolation plugin's secrets folder), the
 * development inbox must be started and configured before the framework, and the framework storage
 * is kept across runs while changed bundles are updated (see {@link Container}).
 *
 * <p>The code that calls the MailService runs inside the framework (the CLI bundle,
 * {@code dev.mailer.launcher.cli}); this class reaches it through a service typed with JDK classes
 * only ({@link Container#runCommand}).
 *
 * <p>Secrets at rest: every run configures Sling Commons Crypto's Jasypt CryptoService
 * {@code names=mailer} with the key file {@code mailer.key} of the secrets folder, made on first
 * use ({@link LauncherKeys}); the CLI bundle turns the framework properties naming the key files
 * into configurations. {@code reencrypt} rotates the key ({@link KeyRotation}).
 */
public final class Main {

    static final String MAILER_SECRETS_DIR = "MAILER_SECRETS_DIR";
    static final String MAILER_DATA_DIR = "MAILER_DATA_DIR";
    static final String MAILER_LOG_LEVEL = "MAILER_LOG_LEVEL";
    /** The command that runs until the framework is stopped, without a console. */
    static final String SERVE = "serve";
    static final String CHECK = "check";
    /** The folder of the jar the bundles are packed in. */
    static final String BUNDLES = "bundles";

    /** How long the CLI bundle's command service may take to appear once the bundles are started. */
    private static final long COMMAND_TIMEOUT_MS = 30_000;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    Main(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        if (FastStart.applies(args, env)) {
            try {
                Optional<Integer> exit = FastStart.run(args, absolute(env.getOrDefault(MAILER_DATA_DIR, ""), "mailer-data"),
                        Timeline.of(env));
                if (exit.isPresent()) {
                    System.exit(exit.get());
                }
            } catch (IOException e) {
                System.err.println("mailer: running in this JVM, as the second could not be started: " + e);
            } catch (InterruptedException e) {
                System.exit(ExitCodes.TRANSIENT_FAILURE);
            }
        }
        FastStart.endWithTheFirstJvm();
        UnsafeWarning.markGivenBeforeFelixLoads();
        System.exit(new Main(env, System.out, System.err).run(args));
    }

    int run(String[] args) {
        Timeline timeline = Timeline.of(env);
        try {
            return run(args, timeline);
        } finally {
            timeline.print(err);
        }
    }

    private int run(String[] args, Timeline timeline) {
        boolean shell = args.length == 0;
        String[] commandArgs = shell ? new String[0] : Arrays.copyOfRange(args, 1, args.length);
        String command = shell ? null : args[0];
        ServiceOption service;
        try {
            service = ServiceOption.take(commandArgs);
        } catch (UsageException e) {
            return usageError(e.getMessage());
        }
        commandArgs = service.rest();
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
        configureLogging(command);
        ConfigSource config;
        Path runDir;
        LauncherKeys keys = new LauncherKeys(secretsDir);
        try {
            Files.createDirectories(dataDir);
            if (KeyRotation.COMMAND.equals(command)) {
                Integer refused = KeyRotation.begin(keys, dataDir, err);
                if (refused != null) {
                    return refused;
                }
            }
            keys.ensureKey();
            runDir = RunDirectory.create(dataDir);
            config = ConfigSource.choose(env, runDir, StartPlan.forCommand(command).withLocalServices());
        } catch (UsageException e) {
            return usageError(e.getMessage());
        } catch (IOException e) {
            err.println("mailer: ERROR: " + e);
            return ExitCodes.CONTAINER_FAILED;
        }
        try {
            timeline.mark("arguments, key and run folder");
            int exit = runInContainer(command, commandArgs, service.name(), dataDir, secretsDir, config, runDir, keys, timeline);
            if (KeyRotation.COMMAND.equals(command)) {
                KeyRotation.end(keys, exit, err);
            }
            return exit;
        } finally {
            try {
                RunDirectory.deleteTree(runDir);
            } catch (IOException e) {
                // the next run removes it (RunDirectory.removeEnded)
            }
        }
    }

    /** Starts the framework on {@code config}'s files, runs the command (null: the shell until it stops), stops it. */
    private int runInContainer(String command, String[] commandArgs, String serviceName, Path dataDir, Path secretsDir,
            ConfigSource config, Path runDir, LauncherKeys keys, Timeline timeline) {
        boolean shell = command == null;
        Map<String, Object> properties = frameworkProperties(dataDir, secretsDir, config.dir());
        properties.putAll(keys.frameworkProperties());
        if (serviceName != null) {
            properties.put(ServiceOption.PROPERTY, serviceName);
        }
        if (StartPlan.forCommand(command).isOneShot()) {
            // a constant, compiled in: mailer-commons is in the bundles only, not on this class path
            properties.put(Listening.PROPERTY, "false");
        }
        AtomicReference<DevInbox> devInbox = new AtomicReference<>();
        // Runs once init() has opened the storage, under the storage lock (CacheLock), which is released before
        // the bundles start: a second launcher on the same data folder (send --queue next to serve) runs beside
        // the first, with configuration files of its own (RunDirectory), and the outbox's per-message locks keep
        // their deliveries apart.
        Container.ThrowingRunnable prepare = () -> {
            if (config.isDevInbox()) {
                devInbox.set(DevInbox.start(dataDir, config.dir(), config.devInboxExtraFiles(), err));
            } else {
                config.writePackedFiles();
            }
        };
        Container container = null;
        Thread shutdownHook = null;
        try {
            Map<String, String> bundles = JarResources.fingerprints(BUNDLES);
            timeline.mark("bundle fingerprints read");
            container = Container.start(properties, bundles, name -> JarResources.read(BUNDLES, name),
                    dataDir.resolve("launcher-bundles.properties"), dataDir.resolve("felix-cache.lock"), prepare,
                    StartPlan.forCommand(command), timeline);

            Container running = container;
            shutdownHook = new Thread(() -> {
                running.stop();
                closeDevInbox(devInbox);
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
            if (exit == ExitCodes.OK && devInbox.get() != null) {
                devInbox.get().reportStoredMessages();
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
                timeline.mark("framework stopped");
            }
            closeDevInbox(devInbox);
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
        properties.put("org.osgi.framework.startlevel.beginning", Integer.toString(Container.BEGINNING_START_LEVEL));
        properties.put("felix.log.logger", new StderrFrameworkLogger());
        properties.put("felix.log.level", "2");
        // ConfigAdmin's store is this run's own, in memory, rebuilt from the configuration files on every
        // start: a file removed while the launcher was down leaves no configuration behind, and nothing is written
        properties.put("felix.cm.pm", "memory");
        // ConfigAdmin holds configurations back until the interpolation plugin is there, so no
        // component ever sees a raw $[env:...] placeholder; and until the CLI bundle's plugin is, which
        // makes the mailer's components wait for the CryptoService the launcher configures
        properties.put("felix.cm.config.plugins", "org.apache.felix.configadmin.plugin.interpolation," + CryptoKeys.PLUGIN_ID);
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
     * for commands, so stderr shows problems only; info for the shell. {@code serve} is a service:
     * its lines carry the time, and the mail service's own (ready, each delivery, retry and dead
     * letter of the outbox) and the token upkeep's (where it runs, each keep-alive) are shown at info.
     * MAILER_LOG_LEVEL overrides.
     *
     * @param command null for the shell
     */
    private void configureLogging(String command) {
        String level = env.getOrDefault(MAILER_LOG_LEVEL, "").strip().toLowerCase(Locale.ROOT);
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
        setDefault("org.slf4j.simpleLogger.showThreadName", "false");
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", level.isEmpty() ? (command == null ? "info" : "warn") : level);
        if (SERVE.equals(command)) {
            setDefault("org.slf4j.simpleLogger.showDateTime", "true");
            setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd HH:mm:ss.SSS");
        }
        if (level.isEmpty()) {
            // the plugin warns about every absent secret file, even one with a default (absent = unset)
            setDefault("org.slf4j.simpleLogger.log.org.apache.felix.configadmin.plugin.interpolation", "error");
            // the SMTP trace (debug.email=true, MAIL_DEBUG) is logged at info: the setting itself is the switch
            setDefault("org.slf4j.simpleLogger.log.dev.mailer.core.smtp", "info");
            if (SERVE.equals(command)) {
                setDefault("org.slf4j.simpleLogger.log.dev.mailer.core", "info");
                // where the token upkeep runs, and each keep-alive
                setDefault("org.slf4j.simpleLogger.log.dev.mailer.oauth.impl.UpkeepScheduler", "info");
                setDefault("org.slf4j.simpleLogger.log.dev.mailer.oauth.impl.TokenUpkeep", "info");
                // where the relay and the token broker listen, each message queued, each token handed out (never the token)
                setDefault("org.slf4j.simpleLogger.log.dev.mailer.relay", "info");
                setDefault("org.slf4j.simpleLogger.log.dev.mailer.broker", "info");
            }
        }
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static Path absolute(String value, String defaultValue) {
        return Path.of(value.isBlank() ? defaultValue : value).toAbsolutePath().normalize();
    }

    private static void closeDevInbox(AtomicReference<DevInbox> devInbox) {
        DevInbox inbox = devInbox.get();
        if (inbox != null) {
            inbox.close();
        }
    }
}
