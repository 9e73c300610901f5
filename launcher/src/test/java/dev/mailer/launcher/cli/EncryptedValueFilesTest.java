package dev.mailer.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.commons.crypto.EncryptedValues;
import dev.mailer.commons.crypto.SecretCipher;
import dev.mailer.commons.testing.FakeCrypto;

/** reencrypt's pass over secret files and .cfg.json files: each ENC(...) value written with the new key, nothing else changed. */
class EncryptedValueFilesTest {

    private static final Pattern ENC = Pattern.compile("ENC\\(([^)]+)\\)");

    @TempDir
    Path folder;

    private static String enc(String key, String value) throws Exception {
        return EncryptedValues.wrap(FakeCrypto.cipher(key).encrypt(value));
    }

    private static String decryptAll(String content, SecretCipher cipher) throws Exception {
        StringBuilder plain = new StringBuilder();
        Matcher m = ENC.matcher(content);
        while (m.find()) {
            plain.append(cipher.decrypt(m.group(1))).append(';');
        }
        return plain.toString();
    }

    @Test
    void everyValueOfTheOldKeyIsWrittenWithTheNewKeyAndTheRestOfTheFileAndItsPermissionsStay() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Path config = folder.resolve("dev.mailer.oauth.impl.OAuthConfigurationProviderImpl.cfg.json");
        Files.writeString(config, "{\n  \"clientId\": \"app\",\n  \"clientSecret\": \"" + enc("old", "client-s3cret")
                + "\",\n  \"refreshToken\": \"" + enc("old", "refresh-s3cret") + "\"\n}\n");
        Path secret = folder.resolve("smtp_password");
        Files.writeString(secret, enc("old", "smtp-s3cret") + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        EncryptedValueFiles values = new EncryptedValueFiles(FakeCrypto.rotated("new", "old"));

        values.reencrypt(folder);

        assertEquals(List.of(), values.failures());
        assertEquals(2, values.rewritten().size());
        String json = Files.readString(config);
        assertTrue(json.startsWith("{\n  \"clientId\": \"app\",\n  \"clientSecret\": \"ENC("), json);
        assertEquals("client-s3cret;refresh-s3cret;", decryptAll(json, FakeCrypto.cipher("new")));
        assertEquals("smtp-s3cret;", decryptAll(Files.readString(secret), FakeCrypto.cipher("new")));
        assertTrue(Files.readString(secret).endsWith(")\n"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
    }

    @Test
    void aValueNoKeyDecryptsLeavesItsFileAsItWasAndNamesIt() throws Exception {
        Path secret = folder.resolve("oauth_client_secret");
        String before = enc("other", "client-s3cret");
        Files.writeString(secret, before);
        EncryptedValueFiles values = new EncryptedValueFiles(FakeCrypto.rotated("new", "old"));

        values.reencrypt(folder);

        assertEquals(before, Files.readString(secret));
        assertTrue(values.failures().get(0).startsWith("An ENC(...) value in " + secret + " could not be decrypted with the"
                + " CryptoService (names=mailer)"), values.failures().toString());
        assertFalse(values.failures().get(0).contains("client-s3cret"));
    }

    @Test
    void filesWithoutEncValuesAndTheKeyFilesAreNotTouched() throws Exception {
        Files.writeString(folder.resolve("smtp_password"), "plain-s3cret");
        Files.writeString(folder.resolve("mailer.key"), "ENC(not-a-value)");
        Files.writeString(folder.resolve("mailer.key.previous"), "ENC(not-a-value)");
        EncryptedValueFiles values = new EncryptedValueFiles(FakeCrypto.cipher("new"));

        values.reencrypt(folder);
        values.reencrypt(folder.resolve("missing"));

        assertEquals(List.of(), values.rewritten());
        assertEquals(List.of(), values.failures());
        assertEquals("plain-s3cret", Files.readString(folder.resolve("smtp_password")));
    }
}
