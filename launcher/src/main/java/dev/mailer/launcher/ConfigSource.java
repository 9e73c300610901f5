package dev.mailer.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.mailer.launcher.args.UsageException;

/**
 * Where the framework's .cfg.json files come from, chosen from the environment; the first that is
 * set wins: {@code MAILER_CONFIG_DIR} (the user's folder, used as it is), {@code MAILER_PROFILE} (a
 * provider profile packed into the jar), {@code SMTP_HOST} (the default files packed into the jar);
 * with none of them, the development inbox ({@link DevInbox}). Packed files are copied into a
 * folder under the data folder, which FileInstall watches. {@code RELAY_PORT} and {@code BROKER_SOCKET} add
 * the packed file of the SMTP relay ({@code mailer-relay/}) and of the token broker ({@code mailer-broker/})
 * to the packed files or the development inbox's, for the runs that keep running ({@code serve}, the shell)
 * and for {@code check}, which checks them: a one-shot command never listens on their port or socket
 * ({@link StartPlan#isOneShot()}).
 */
final class ConfigSource {

    static final String MAILER_CONFIG_DIR = "MAILER_CONFIG_DIR";
    static final String MAILER_PROFILE = "MAILER_PROFILE";
    static final String SMTP_HOST = "SMTP_HOST";
    static final String RELAY_PORT = "RELAY_PORT";
    static final String BROKER_SOCKET = "BROKER_SOCKET";
    /** The packed files of the local services a variable switches on, for the runs that keep running: variable to folder. */
    private static final Map<String, String> LOCAL_SERVICES = Map.of(RELAY_PORT, "mailer-relay", BROKER_SOCKET, "mailer-broker");

    /** The provider profiles packed into the jar from osgi-config ({@code mailer-profiles/NAME/}). */
    static final List<String> PROFILES = List.of("office365", "office365-app", "gmail", "acs", "acs-managed-identity",
            "office365-managed-identity", "static-token");

    private final Path dir;
    /** The packed files to copy into {@link #dir}; null for the user's folder and the development inbox. */
    private final Map<String, byte[]> packedFiles;
    private final boolean devInbox;
    /** The local services' files, for the development inbox's folder; empty when none runs. */
    private final Map<String, byte[]> localServiceFiles;

    private ConfigSource(Path dir, Map<String, byte[]> packedFiles, boolean devInbox, Map<String, byte[]> localServiceFiles) {
        this.dir = dir;
        this.packedFiles = packedFiles;
        this.devInbox = devInbox;
        this.localServiceFiles = localServiceFiles;
    }

    /**
     * @param runDir      this run's own folder ({@link RunDirectory}), for the files the launcher writes itself
     * @param localServices whether the run reads the relay's and the broker's configuration ({@link StartPlan#withLocalServices()})
     * @throws UsageException a variable names no folder or no profile: the message says which and what to do
     * @throws IOException    the packed files cannot be read
     */
    static ConfigSource choose(Map<String, String> env, Path runDir, boolean localServices) throws UsageException, IOException {
        Map<String, byte[]> local = new HashMap<>();
        if (localServices) {
            for (Map.Entry<String, String> service : LOCAL_SERVICES.entrySet()) {
                if (!env.getOrDefault(service.getKey(), "").isBlank()) {
                    local.putAll(JarResources.read(service.getValue()));
                }
            }
        }
        String configuredDir = env.getOrDefault(MAILER_CONFIG_DIR, "");
        if (!configuredDir.isBlank()) {
            Path dir = Path.of(configuredDir).toAbsolutePath().normalize();
            if (!Files.isDirectory(dir)) {
                throw new UsageException(MAILER_CONFIG_DIR + "=" + configuredDir + " is not a folder");
            }
            return new ConfigSource(dir, null, false, Map.of());
        }
        String profile = env.getOrDefault(MAILER_PROFILE, "").strip();
        if (!profile.isEmpty()) {
            Map<String, byte[]> files = PROFILES.contains(profile) ? JarResources.read("mailer-profiles/" + profile) : Map.of();
            if (files.isEmpty()) {
                throw new UsageException(MAILER_PROFILE + "=" + profile + " is not a profile of this launcher; use one of "
                        + PROFILES + " (see osgi-config/README.md), or " + MAILER_CONFIG_DIR + " for your own files");
            }
            return new ConfigSource(runDir.resolve("config"), plus(files, local), false, Map.of());
        }
        if (!env.getOrDefault(SMTP_HOST, "").isBlank()) {
            Map<String, byte[]> files = JarResources.read("mailer-config");
            if (files.isEmpty()) {
                throw new IOException("the launcher jar has no mailer-config/ files; rebuild it");
            }
            return new ConfigSource(runDir.resolve("config"), plus(files, local), false, Map.of());
        }
        return new ConfigSource(runDir.resolve("dev-config"), null, true, local);
    }

    private static Map<String, byte[]> plus(Map<String, byte[]> files, Map<String, byte[]> more) {
        Map<String, byte[]> all = new HashMap<>(files);
        all.putAll(more);
        return all;
    }

    /** The folder FileInstall watches. */
    Path dir() {
        return dir;
    }

    /** Whether mail goes to the development inbox, which writes the folder's configuration itself. */
    boolean isDevInbox() {
        return devInbox;
    }

    /** The files the development inbox writes next to its own: the relay's and the broker's, when they run. */
    Map<String, byte[]> devInboxExtraFiles() {
        return localServiceFiles;
    }

    /** Makes the folder hold exactly the packed files; the user's folder is left as it is. */
    void writePackedFiles() throws IOException {
        if (packedFiles != null) {
            ConfigFolder.replaceFiles(dir, packedFiles);
        }
    }
}
