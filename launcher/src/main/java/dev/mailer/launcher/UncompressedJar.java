package dev.mailer.launcher;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A bundle jar rewritten with every entry stored instead of deflated, as the launcher installs it
 * into the framework storage: every run loads its classes from there, and a stored entry is read
 * without inflating it (about 25 ms of a one-shot command's start; the storage takes about twice
 * the space). Entries keep their order, names, content and times, so a signature over the content
 * stays valid.
 */
final class UncompressedJar {

    private UncompressedJar() {
    }

    /** {@code jar} with its entries stored; the same bytes when it is no zip. */
    static byte[] of(byte[] jar) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(jar.length * 2);
        boolean any = false;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar));
                ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                byte[] content = in.readAllBytes();
                CRC32 crc = new CRC32();
                crc.update(content);
                ZipEntry stored = new ZipEntry(entry.getName());
                stored.setMethod(ZipEntry.STORED);
                stored.setSize(content.length);
                stored.setCompressedSize(content.length);
                stored.setCrc(crc.getValue());
                stored.setTime(entry.getTime());
                out.putNextEntry(stored);
                out.write(content);
                out.closeEntry();
                any = true;
            }
        }
        return any ? bytes.toByteArray() : jar;
    }
}
