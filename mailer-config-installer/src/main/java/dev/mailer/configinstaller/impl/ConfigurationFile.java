package dev.mailer.configinstaller.impl;

import java.io.IOException;
import java.io.Reader;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Objects;

import org.apache.felix.cm.json.io.ConfigurationReader;
import org.apache.felix.cm.json.io.Configurations;

/**
 * One {@code .cfg.json} file: which configuration it is for, and its properties.
 *
 * <ul>
 * <li>{@code PID.cfg.json}: the configuration with that PID</li>
 * <li>{@code FACTORYPID~NAME.cfg.json}: the factory configuration {@code NAME} of {@code FACTORYPID}
 * (the OSGi R7 naming, as with {@code ConfigurationAdmin.getFactoryConfiguration(factoryPid, name)})</li>
 * </ul>
 *
 * The content is a JSON object of properties in the OSGi Configurator syntax, typed with a
 * suffix where JSON's own types are not enough: {@code "smtp.port:Integer": 587}.
 */
final class ConfigurationFile {

    static final String SUFFIX = ".cfg.json";

    /** Separates factory PID and name, as in the PIDs ConfigAdmin composes for named factory configurations. */
    static final char FACTORY_SEPARATOR = '~';

    private final String fileName;
    private final String factoryPid;
    private final String name;
    private final String pid;

    private ConfigurationFile(String fileName, String factoryPid, String name, String pid) {
        this.fileName = fileName;
        this.factoryPid = factoryPid;
        this.name = name;
        this.pid = pid;
    }

    /** True for any {@code *.cfg.json} file name; whether the name is usable is checked by {@link #forFileName}. */
    static boolean matches(String fileName) {
        return fileName != null && fileName.endsWith(SUFFIX);
    }

    /**
     * Derives the configuration identity from a file name.
     *
     * @throws IllegalArgumentException naming the file, when it is not {@code PID.cfg.json} or {@code FACTORYPID~NAME.cfg.json}
     */
    static ConfigurationFile forFileName(String fileName) {
        if (!matches(fileName)) {
            throw new IllegalArgumentException(fileName + ": not a " + SUFFIX + " file");
        }
        String base = fileName.substring(0, fileName.length() - SUFFIX.length());
        if (base.isBlank()) {
            throw new IllegalArgumentException(fileName + ": the file name must be PID" + SUFFIX + " or FACTORYPID~NAME" + SUFFIX);
        }
        int separator = base.indexOf(FACTORY_SEPARATOR);
        if (separator < 0) {
            return new ConfigurationFile(fileName, null, null, base);
        }
        String factoryPid = base.substring(0, separator);
        String name = base.substring(separator + 1);
        if (factoryPid.isEmpty() || name.isEmpty()) {
            throw new IllegalArgumentException(fileName + ": a factory configuration file must be named FACTORYPID~NAME" + SUFFIX
                    + " with both parts non-empty");
        }
        return new ConfigurationFile(fileName, factoryPid, name, factoryPid + FACTORY_SEPARATOR + name);
    }

    /**
     * Reads the properties of a {@code .cfg.json} file.
     *
     * @param warnings receives problems cm.json skipped over (e.g. an unknown type suffix)
     * @throws InvalidConfigurationFileException naming the file and the JSON problem, when the content is not a valid configuration
     * @throws IOException when reading fails
     */
    Dictionary<String, Object> read(Reader content, List<String> warnings) throws IOException {
        ConfigurationReader reader = Configurations.buildReader()
                .withIdentifier(fileName)
                .build(content);
        Hashtable<String, Object> properties;
        try {
            properties = reader.readConfiguration();
        } catch (IOException | RuntimeException e) {
            // IOException: invalid JSON (with line and column); RuntimeException: a value that does not fit its type suffix
            throw new InvalidConfigurationFileException(fileName, withoutIdentifier(e.getMessage()), e);
        }
        if (properties == null) {
            throw new InvalidConfigurationFileException(fileName, String.join("; ", reader.getIgnoredErrors()), null);
        }
        for (String warning : reader.getIgnoredErrors()) {
            warnings.add(withoutIdentifier(warning));
        }
        return properties;
    }

    /** cm.json prefixes some messages with the identifier; the file name is added once, by the caller. */
    private String withoutIdentifier(String message) {
        String prefix = fileName + " : ";
        return message != null && message.startsWith(prefix) ? message.substring(prefix.length()) : String.valueOf(message);
    }

    /** The content of a file is not a usable configuration. */
    static final class InvalidConfigurationFileException extends IOException {
        private static final long serialVersionUID = 1L;

        private final String problem;

        InvalidConfigurationFileException(String fileName, String problem, Throwable cause) {
            super(fileName + ": " + problem, cause);
            this.problem = problem;
        }

        /** What is wrong, without the file name. */
        String getProblem() {
            return problem;
        }
    }

    String getFileName() {
        return fileName;
    }

    /** The PID of the configuration; for a factory configuration the composed {@code FACTORYPID~NAME}. */
    String getPid() {
        return pid;
    }

    /** The factory PID, or null for a singleton configuration. */
    String getFactoryPid() {
        return factoryPid;
    }

    /** The factory configuration's name, or null for a singleton configuration. */
    String getName() {
        return name;
    }

    boolean isFactory() {
        return factoryPid != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigurationFile && ((ConfigurationFile) o).fileName.equals(fileName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(fileName);
    }

    @Override
    public String toString() {
        return isFactory() ? "factory configuration " + name + " of " + factoryPid : "configuration " + pid;
    }
}
