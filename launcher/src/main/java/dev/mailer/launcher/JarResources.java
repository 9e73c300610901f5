package dev.mailer.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Reads the files packed into the launcher under a folder ({@code bundles/}, {@code mailer-config/}),
 * whether it runs from {@code mailer.jar} or from a classes folder (tests, IDE).
 */
final class JarResources {

    private JarResources() {
    }

    /** File name to content of every file directly in {@code folder}, sorted by name. */
    static Map<String, byte[]> read(String folder) throws IOException {
        Path location;
        try {
            location = Path.of(JarResources.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("Cannot locate the launcher jar: " + e.getMessage(), e);
        }
        Map<String, byte[]> files = new TreeMap<>();
        if (Files.isDirectory(location)) {
            Path dir = location.resolve(folder);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> list = Files.list(dir)) {
                    for (Path file : (Iterable<Path>) list.filter(Files::isRegularFile)::iterator) {
                        files.put(file.getFileName().toString(), Files.readAllBytes(file));
                    }
                }
            }
            return files;
        }
        String prefix = folder + "/";
        try (JarFile jar = new JarFile(location.toFile())) {
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements();) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (!entry.isDirectory() && name.startsWith(prefix) && name.indexOf('/', prefix.length()) < 0) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        files.put(name.substring(prefix.length()), in.readAllBytes());
                    }
                }
            }
        }
        return files;
    }
}
