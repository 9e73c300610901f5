package dev.mailer.broker.impl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

import dev.mailer.commons.config.ConfigReader;
import dev.mailer.commons.config.InvalidConfigurationException;
import dev.mailer.commons.config.ServiceName;

/** The broker's settings, read and validated at once (every problem named by its property); immutable. */
final class BrokerSettings {

    static final String PID = "dev.mailer.broker.impl.TokenBroker";
    static final String SOCKET = "broker.socket";
    static final String PERMISSIONS = "broker.permissions";
    static final String GROUP = "broker.group";

    static final String DEFAULT_PERMISSIONS = "rw-rw----";

    final Path socket;
    final Set<PosixFilePermission> permissions;
    /** The socket file's group, or null for the process's own. */
    final String group;
    /** The token provider that answers. */
    final ServiceName provider;

    private BrokerSettings(ConfigReader config, Map<String, ?> properties) {
        this.socket = socket(config);
        this.permissions = permissions(config);
        this.group = config.string(GROUP);
        this.provider = ServiceName.read(properties, config);
    }

    static BrokerSettings from(Map<String, ?> properties) throws InvalidConfigurationException {
        ConfigReader config = new ConfigReader(properties);
        BrokerSettings settings = new BrokerSettings(config, properties);
        config.throwIfInvalid(PID);
        return settings;
    }

    private static Path socket(ConfigReader config) {
        String text = config.requiredString(SOCKET);
        Path path = text == null ? null : config.path(SOCKET);
        if (path == null) {
            return null;
        }
        if (!path.isAbsolute()) {
            config.problem(SOCKET, "\"" + text + "\" is not an absolute path, e.g. /run/mailer/token.sock");
        } else if (path.getParent() == null || !Files.isDirectory(path.getParent())) {
            config.problem(SOCKET, "the folder " + path.getParent() + " does not exist: create it (owner-only, or for the"
                    + " group of " + GROUP + ")");
        }
        return path;
    }

    private static Set<PosixFilePermission> permissions(ConfigReader config) {
        String text = config.string(PERMISSIONS);
        String value = text == null ? DEFAULT_PERMISSIONS : text;
        Set<PosixFilePermission> permissions;
        try {
            permissions = PosixFilePermissions.fromString(value);
        } catch (IllegalArgumentException e) {
            config.problem(PERMISSIONS, "\"" + value + "\" is not a permission string such as " + DEFAULT_PERMISSIONS);
            return PosixFilePermissions.fromString(DEFAULT_PERMISSIONS);
        }
        if (permissions.contains(PosixFilePermission.OTHERS_READ) || permissions.contains(PosixFilePermission.OTHERS_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_EXECUTE)) {
            config.problem(PERMISSIONS, value + " lets every local user read tokens: give others no permission,"
                    + " e.g. " + DEFAULT_PERMISSIONS);
        }
        if (!permissions.contains(PosixFilePermission.OWNER_READ) || !permissions.contains(PosixFilePermission.OWNER_WRITE)) {
            config.problem(PERMISSIONS, value + " locks out the owner: the owner needs rw");
        }
        return permissions;
    }

    @Override
    public String toString() {
        return "BrokerSettings[" + socket + ", " + PosixFilePermissions.toString(permissions) + (group == null ? "" : ", group " + group)
                + ", provider " + provider + "]";
    }
}
