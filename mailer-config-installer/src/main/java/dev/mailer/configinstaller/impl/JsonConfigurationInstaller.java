package dev.mailer.configinstaller.impl;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs {@code *.cfg.json} files from the folders Felix FileInstall watches as ConfigAdmin
 * configurations, updates them when a file changes and deletes them when it is removed.
 *
 * <p>Configurations are bound to the location {@code "?"} so whichever bundle provides the
 * component can use them. They get no {@code felix.fileinstall.filename} property: with it,
 * FileInstall's own ConfigInstaller would take them for its own and write them back as
 * {@code .cfg} files.
 *
 * <p>A file that cannot be parsed is logged with its name and the JSON problem and otherwise
 * ignored: the configuration it would replace stays as it was, and FileInstall calls
 * {@link #update(File)} again once the file is changed.
 */
@Component(service = ArtifactInstaller.class)
public class JsonConfigurationInstaller implements ArtifactInstaller {

    /** Any bundle may bind (a multi-location region shared by all bundles). */
    static final String ANY_LOCATION = "?";

    private static final Logger LOG = LoggerFactory.getLogger(JsonConfigurationInstaller.class);

    private final ConfigurationAdmin configurationAdmin;

    @Activate
    public JsonConfigurationInstaller(@Reference ConfigurationAdmin configurationAdmin) {
        this.configurationAdmin = configurationAdmin;
    }

    @Override
    public boolean canHandle(File artifact) {
        return ConfigurationFile.matches(artifact.getName());
    }

    @Override
    public void install(File artifact) {
        apply(artifact);
    }

    @Override
    public void update(File artifact) {
        apply(artifact);
    }

    @Override
    public void uninstall(File artifact) throws IOException {
        ConfigurationFile file;
        try {
            file = ConfigurationFile.forFileName(artifact.getName());
        } catch (IllegalArgumentException e) {
            return; // never installed: apply() refused the name
        }
        for (Configuration configuration : find(file.getPid())) {
            configuration.delete();
            LOG.info("Deleted {} as {} was removed", file, artifact);
        }
    }

    /** Creates or updates the configuration of a file, only when its properties differ. */
    void apply(File artifact) {
        try {
            ConfigurationFile file = ConfigurationFile.forFileName(artifact.getName());
            List<String> warnings = new ArrayList<>();
            Dictionary<String, Object> properties;
            try (Reader reader = Files.newBufferedReader(artifact.toPath(), StandardCharsets.UTF_8)) {
                properties = file.read(reader, warnings);
            }
            for (String warning : warnings) {
                LOG.warn("{}: {}", artifact, warning);
            }
            Configuration configuration = file.isFactory()
                    ? configurationAdmin.getFactoryConfiguration(file.getFactoryPid(), file.getName(), ANY_LOCATION)
                    : configurationAdmin.getConfiguration(file.getPid(), ANY_LOCATION);
            boolean isNew = configuration.getProperties() == null;
            // updateIfDifferent: an unchanged file must not restart the components using it
            if (configuration.updateIfDifferent(properties)) {
                LOG.info("{} {} from {}", isNew ? "Created" : "Updated", file, artifact);
            } else {
                LOG.debug("{} unchanged by {}", file, artifact);
            }
        } catch (ConfigurationFile.InvalidConfigurationFileException e) {
            LOG.error("Ignoring configuration file {}: {}", artifact, e.getProblem());
        } catch (IllegalArgumentException e) {
            // the message starts with the file name
            LOG.error("Ignoring configuration file in {}: {}", artifact.getParent(), e.getMessage());
        } catch (IOException e) {
            LOG.error("Cannot apply configuration file {}: {}", artifact, e.toString());
        } catch (IllegalStateException e) {
            // ConfigurationAdmin was unregistered meanwhile: the framework is stopping (a one-shot launcher
            // command that ended before FileInstall's first scan was done) and this component goes with it;
            // nothing an operator can act on, and the file is read again at the next start
            LOG.debug("Cannot apply configuration file {}: {}", artifact, e.getMessage());
        }
    }

    private List<Configuration> find(String pid) throws IOException {
        Configuration[] found;
        try {
            found = configurationAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + escapeFilterValue(pid) + ")");
        } catch (InvalidSyntaxException e) {
            throw new IOException("Cannot look up configuration " + pid + ": " + e.getMessage(), e);
        }
        return found == null ? List.of() : List.of(found);
    }

    /** Escapes the characters RFC 1960 filters give a meaning to. */
    static String escapeFilterValue(String value) {
        StringBuilder escaped = new StringBuilder(value.length() + 8);
        for (char c : value.toCharArray()) {
            if (c == '\\' || c == '*' || c == '(' || c == ')') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }
}
