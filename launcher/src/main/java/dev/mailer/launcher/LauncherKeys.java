package dev.mailer.launcher;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import dev.mailer.launcher.args.CryptoKeys;

/**
 * The key files of the CryptoService the launcher configures (Sling Commons Crypto's Jasypt
 * service, its password from a file) in the secrets folder: {@value CryptoKeys#KEY_FILE}, made on
 * first use from 256 random bits and readable by its owner only; and, during a key rotation,
 * {@value CryptoKeys#PREVIOUS_KEY_FILE}, whose CryptoService ({@code names=mailer.previous})
 * only decrypts what it encrypted until {@code reencrypt} wrote it again with the new key.
 */
final class LauncherKeys {

    private static final int KEY_BYTES = 32;

    private final Path key;
    private final Path previous;

    LauncherKeys(Path secretsDir) {
        this.key = secretsDir.resolve(CryptoKeys.KEY_FILE);
        this.previous = secretsDir.resolve(CryptoKeys.PREVIOUS_KEY_FILE);
    }

    Path key() {
        return key;
    }

    Path previous() {
        return previous;
    }

    /**
     * Makes the key unless it exists: written beside it, then linked into place, so that a second
     * launcher starting at the same moment uses the first one's key and no run reads half a key.
     *
     * @return true when it was made now
     */
    boolean ensureKey() throws IOException {
        if (Files.exists(key)) {
            return false;
        }
        Path temp = key.resolveSibling("." + CryptoKeys.KEY_FILE + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            createOwnerOnlyDirectory(key.getParent());
            Files.deleteIfExists(temp);
            byte[] bytes = new byte[KEY_BYTES];
            // made only when a key is made: seeding it costs every other run time for nothing
            new SecureRandom().nextBytes(bytes);
            writeOwnerOnly(temp, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        } catch (IOException e) {
            throw new IOException("cannot make the encryption key " + key + " (" + e + "): make " + key.getParent()
                    + " writable, or put a key there yourself (a random password, readable by its owner only)", e);
        }
        try {
            Files.createLink(key, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false; // another launcher made it meanwhile: that one is the key
        } catch (UnsupportedOperationException | FileSystemException noLinks) {
            return moveUnlessExists(temp);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Starts a key rotation: the key becomes the previous key and a new one is made. When a previous
     * key exists already (a rotation that did not finish, or a new key an operator put in place with
     * the old one as the previous key), that rotation goes on: the previous key is never replaced,
     * else what only it can decrypt would be lost.
     *
     * @return true when a rotation started now
     */
    boolean startRotation() throws IOException {
        if (Files.exists(previous) || !Files.exists(key)) {
            return false;
        }
        Files.move(key, previous, StandardCopyOption.ATOMIC_MOVE);
        ensureKey();
        return true;
    }

    boolean hasPrevious() {
        return Files.exists(previous);
    }

    /** Ends a rotation, once everything was re-encrypted with the key. */
    void retirePrevious() throws IOException {
        Files.deleteIfExists(previous);
    }

    /** The framework properties that name the key files for the CLI bundle's CryptoService configurations. */
    Map<String, String> frameworkProperties() {
        Map<String, String> properties = new HashMap<>();
        properties.put(CryptoKeys.KEY_PROPERTY, key.toString());
        if (hasPrevious()) {
            properties.put(CryptoKeys.PREVIOUS_KEY_PROPERTY, previous.toString());
        }
        return properties;
    }

    private boolean moveUnlessExists(Path temp) throws IOException {
        try {
            Files.move(temp, key);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        OwnerOnlyFiles.create(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(StandardCharsets.US_ASCII.encode(content));
            channel.force(true);
        }
    }

    private static void createOwnerOnlyDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
    }
}
