package dev.mailer.launcher.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.mailer.commons.crypto.CipherException;
import dev.mailer.commons.crypto.EncryptedValues;
import dev.mailer.commons.crypto.SecretCipher;
import dev.mailer.launcher.args.CryptoKeys;

/**
 * The {@code ENC(...)} values in the files of a folder (the secret files, the .cfg.json files),
 * written again with the current key for {@code reencrypt}: each ciphertext is decrypted (with the
 * key, else the previous key) and encrypted anew, the rest of the file is left as it is, and the
 * file is replaced atomically with its permissions. A file with a value that cannot be decrypted
 * is left as it was and named. The key files are never touched.
 */
final class EncryptedValueFiles {

    /** The ciphertext of an ENC(...) value: the CryptoService's base64 or hexadecimal output. */
    private static final Pattern VALUE = Pattern.compile("ENC\\(([A-Za-z0-9+/=_-]+)\\)");

    private final SecretCipher cipher;
    private final List<Path> rewritten = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    EncryptedValueFiles(SecretCipher cipher) {
        this.cipher = cipher;
    }

    /** Re-encrypts the values in the regular files of {@code folder} (none when it does not exist). */
    void reencrypt(Path folder) {
        if (folder == null || !Files.isDirectory(folder)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (Files.isRegularFile(file) && !name.startsWith(".") && !name.startsWith(CryptoKeys.KEY_FILE)) {
                    reencryptFile(file);
                }
            }
        } catch (IOException e) {
            failures.add("The folder " + folder + " cannot be read (" + e + ")");
        }
    }

    /** The files written again. */
    List<Path> rewritten() {
        return rewritten;
    }

    /** One text per file left as it was: which, why, and what to do. */
    List<String> failures() {
        return failures;
    }

    private void reencryptFile(Path file) {
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            Matcher values = VALUE.matcher(content);
            if (!values.find()) {
                return;
            }
            StringBuilder result = new StringBuilder();
            do {
                String fresh = cipher.encrypt(cipher.decrypt(values.group(1)));
                values.appendReplacement(result, Matcher.quoteReplacement(EncryptedValues.wrap(fresh)));
            } while (values.find());
            values.appendTail(result);
            replace(file, result.toString());
            rewritten.add(file);
        } catch (CipherException e) {
            failures.add("An ENC(...) value in " + file + " " + e.getMessage() + ": encrypt it again (java -jar mailer.jar"
                    + " encrypt) and replace it; the file is left as it was");
        } catch (IOException e) {
            failures.add("The file " + file + " cannot be read or written (" + e + "); it is left as it was");
        }
    }

    /** Replaces the file's content atomically, keeping its permissions (the new content is never readable by more). */
    private static void replace(Path file, String content) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".reencrypt.tmp");
        Files.deleteIfExists(temp);
        Set<PosixFilePermission> permissions = null;
        try {
            permissions = Files.getPosixFilePermissions(file);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(temp); // not a POSIX file system: the folder's permissions apply
        }
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        if (permissions != null) {
            Files.setPosixFilePermissions(temp, permissions);
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
