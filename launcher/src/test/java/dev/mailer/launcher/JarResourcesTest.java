package dev.mailer.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JarResourcesTest {

    @TempDir
    Path dir;

    @Test
    void aBundleInTheJarAndTheSameBundleInAFolderHaveOneFingerprint() throws IOException {
        byte[] bundle = "bundle content".getBytes(StandardCharsets.UTF_8);
        Path jar = jar("launcher.jar", Map.of("bundles/a.jar", bundle, "bundles/sub/ignored.jar", bundle, "other/b.jar", bundle));
        Path classes = Files.createDirectories(dir.resolve("classes/bundles"));
        Files.write(classes.resolve("a.jar"), bundle);

        Map<String, String> fromJar = JarResources.fingerprints(jar, "bundles");
        assertEquals(List.of("a.jar"), List.copyOf(fromJar.keySet()), "only the files directly in the folder");
        assertEquals(fromJar, JarResources.fingerprints(dir.resolve("classes"), "bundles"));
    }

    @Test
    void anotherBuildOfABundleHasAnotherFingerprint() throws IOException {
        Path first = jar("first.jar", Map.of("bundles/a.jar", "build 1".getBytes(StandardCharsets.UTF_8)));
        Path second = jar("second.jar", Map.of("bundles/a.jar", "build 2".getBytes(StandardCharsets.UTF_8)));
        assertNotEquals(JarResources.fingerprints(first, "bundles"), JarResources.fingerprints(second, "bundles"));
    }

    private Path jar(String name, Map<String, byte[]> entries) throws IOException {
        Path jar = dir.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        return jar;
    }
}
