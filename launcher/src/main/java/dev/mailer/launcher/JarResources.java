package dev.mailer.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Reads the files packed into the launcher under a folder ({@code bundles/}, {@code mailer-config/}),
 * whether it runs from {@code mailer.jar} or from a classes folder (tests, IDE).
 */
final class JarResources {

    private JarResources() {
    }

    /** File name to content of every file directly in {@code folder}, sorted by name. */
    static Map<String, byte[]> read(String folder) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        Path location = location();
        if (Files.isDirectory(location)) {
            for (Path file : filesIn(location.resolve(folder))) {
                files.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
            return files;
        }
        try (JarFile jar = new JarFile(location.toFile())) {
            for (JarEntry entry : entriesIn(jar, folder)) {
                try (InputStream in = jar.getInputStream(entry)) {
                    files.put(fileName(entry, folder), in.readAllBytes());
                }
            }
        }
        return files;
    }

    /**
     * File name to a fingerprint of the content (its CRC-32 and size) of every file directly in
     * {@code folder}, sorted by name. From the jar, they come from its directory: no file is inflated.
     */
    static Map<String, String> fingerprints(String folder) throws IOException {
        return fingerprints(location(), folder);
    }

    /** As {@link #fingerprints(String)}, of the jar or classes folder {@code location}. */
    static Map<String, String> fingerprints(Path location, String folder) throws IOException {
        Map<String, String> fingerprints = new TreeMap<>();
        if (Files.isDirectory(location)) {
            for (Path file : filesIn(location.resolve(folder))) {
                byte[] content = Files.readAllBytes(file);
                CRC32 crc = new CRC32();
                crc.update(content);
                fingerprints.put(file.getFileName().toString(), fingerprint(crc.getValue(), content.length));
            }
            return fingerprints;
        }
        try (JarFile jar = new JarFile(location.toFile())) {
            for (JarEntry entry : entriesIn(jar, folder)) {
                fingerprints.put(fileName(entry, folder), fingerprint(entry.getCrc(), entry.getSize()));
            }
        }
        return fingerprints;
    }

    /** The content of the file {@code name} in {@code folder}. */
    static byte[] read(String folder, String name) throws IOException {
        Path location = location();
        if (Files.isDirectory(location)) {
            return Files.readAllBytes(location.resolve(folder).resolve(name));
        }
        try (JarFile jar = new JarFile(location.toFile())) {
            JarEntry entry = jar.getJarEntry(folder + "/" + name);
            if (entry == null) {
                throw new IOException("the launcher jar has no " + folder + "/" + name);
            }
            try (InputStream in = jar.getInputStream(entry)) {
                return in.readAllBytes();
            }
        }
    }

    static String fingerprint(long crc32, long size) {
        // not String.format: its Formatter costs a cold run more than reading the whole directory
        return "crc32-" + Long.toHexString(crc32) + "-" + size;
    }

    private static Path location() throws IOException {
        try {
            return Path.of(JarResources.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("Cannot locate the launcher jar: " + e.getMessage(), e);
        }
    }

    private static Iterable<Path> filesIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        }
    }

    private static Iterable<JarEntry> entriesIn(JarFile jar, String folder) {
        String prefix = folder + "/";
        List<JarEntry> found = new ArrayList<>();
        for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements();) {
            JarEntry entry = entries.nextElement();
            String name = entry.getName();
            if (!entry.isDirectory() && name.startsWith(prefix) && name.indexOf('/', prefix.length()) < 0) {
                found.add(entry);
            }
        }
        return found;
    }

    private static String fileName(JarEntry entry, String folder) {
        return entry.getName().substring(folder.length() + 1);
    }
}
