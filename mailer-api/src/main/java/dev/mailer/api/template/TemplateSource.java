package dev.mailer.api.template;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.framework.Bundle;

/**
 * Where {@link MailTemplates} reads template sources: a folder, a bundle's resources, or anything
 * that can open a resource by name (a JCR node, a database row).
 */
@ConsumerType
@FunctionalInterface
public interface TemplateSource {

    /**
     * Opens a template source.
     *
     * @param name e.g. {@code welcome_de.html}
     * @return its content, or null when there is none by that name
     */
    InputStream open(String name) throws IOException;

    /** The files in {@code folder}; names that would leave it are refused. */
    static TemplateSource directory(Path folder) {
        Path root = folder.toAbsolutePath().normalize();
        return new TemplateSource() {
            @Override
            public InputStream open(String name) throws IOException {
                Path file = root.resolve(name).normalize();
                if (!file.startsWith(root)) {
                    throw new IllegalArgumentException("template name " + name + " leaves the template folder " + root);
                }
                return Files.isRegularFile(file) ? Files.newInputStream(file) : null;
            }

            @Override
            public String toString() {
                return "folder " + root;
            }
        };
    }

    /**
     * The entries of {@code bundle} under {@code folder} (e.g. {@code /templates}), read with
     * {@link Bundle#getEntry}: the bundle's own jar, without its imports or fragments' class path.
     */
    static TemplateSource bundle(Bundle bundle, String folder) {
        String prefix = folder.endsWith("/") ? folder : folder + "/";
        return new TemplateSource() {
            @Override
            public InputStream open(String name) throws IOException {
                URL entry = bundle.getEntry(prefix + name);
                return entry == null ? null : entry.openStream();
            }

            @Override
            public String toString() {
                return "bundle " + bundle.getSymbolicName() + " " + prefix;
            }
        };
    }
}
