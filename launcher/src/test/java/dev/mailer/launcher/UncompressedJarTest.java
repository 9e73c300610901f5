package dev.mailer.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UncompressedJarTest {

    @TempDir
    Path dir;

    @Test
    void everyEntryIsStoredWithItsNameContentAndTimeInTheSameOrderAndTheManifestStillComesFirst() throws IOException {
        Map<String, byte[]> content = new LinkedHashMap<>();
        content.put("dev/", new byte[0]);
        content.put("dev/mailer/Some.class", "x".repeat(5000).getBytes(StandardCharsets.UTF_8));
        content.put("OSGI-INF/component.xml", "<component/>".getBytes(StandardCharsets.UTF_8));
        byte[] deflated = jar(content);

        byte[] stored = UncompressedJar.of(deflated);

        Path file = Files.write(dir.resolve("bundle.jar"), stored);
        List<String> names = new ArrayList<>();
        try (JarFile jar = new JarFile(file.toFile())) {
            assertEquals("dev.mailer.some", jar.getManifest().getMainAttributes().getValue("Bundle-SymbolicName"));
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements();) {
                JarEntry entry = entries.nextElement();
                names.add(entry.getName());
                assertEquals(ZipEntry.STORED, entry.getMethod(), entry.getName());
                assertEquals(1_600_000_000_000L, entry.getTime(), entry.getName());
                if (content.containsKey(entry.getName())) {
                    assertArrayEquals(content.get(entry.getName()), jar.getInputStream(entry).readAllBytes(), entry.getName());
                }
            }
        }
        List<String> expected = new ArrayList<>(List.of("META-INF/MANIFEST.MF"));
        expected.addAll(content.keySet());
        assertEquals(expected, names);
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(stored))) {
            assertNotNull(in.getManifest(), "read as a stream too, as Felix reads an installed bundle");
        }
    }

    @Test
    void bytesThatAreNoZipAreLeftAsTheyAre() throws IOException {
        byte[] text = "not a jar".getBytes(StandardCharsets.UTF_8);
        assertSame(text, UncompressedJar.of(text));
    }

    private static byte[] jar(Map<String, byte[]> content) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
        manifest.getMainAttributes().putValue("Bundle-SymbolicName", "dev.mailer.some");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes)) {
            ZipEntry manifestEntry = new ZipEntry(JarFile.MANIFEST_NAME);
            manifestEntry.setTime(1_600_000_000_000L);
            out.putNextEntry(manifestEntry);
            manifest.write(out);
            out.closeEntry();
            for (Map.Entry<String, byte[]> file : content.entrySet()) {
                ZipEntry entry = new ZipEntry(file.getKey());
                entry.setTime(1_600_000_000_000L);
                out.putNextEntry(entry);
                out.write(file.getValue());
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
