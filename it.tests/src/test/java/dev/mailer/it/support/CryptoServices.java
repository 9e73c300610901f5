package dev.mailer.it.support;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

import dev.mailer.testsupport.pki.TestPki;

/**
 * Apache Sling Commons Crypto configured as an AEM or Sling admin (and the launcher) does: a Jasypt
 * {@code CryptoService} {@code names=NAME} whose password a File Password Provider reads from a key
 * file, through ConfigurationAdmin. Inside Felix only. The CryptoService API is not on the test
 * class path (it is a bundle of the runtime set), so {@link #encrypt} and {@link #decrypt} call it
 * by reflection on the interface the service is registered under.
 */
public final class CryptoServices {

    public static final String CRYPTO_SERVICE = "org.apache.sling.commons.crypto.CryptoService";

    private static final String PASSWORD_PROVIDER = "org.apache.sling.commons.crypto.internal.FilePasswordProvider";
    private static final String IV_GENERATOR = "org.apache.sling.commons.crypto.jasypt.internal.JasyptRandomIvGeneratorRegistrar";
    private static final String JASYPT = "org.apache.sling.commons.crypto.jasypt.internal.JasyptStandardPbeStringCryptoService";

    private CryptoServices() {
    }

    /** A new random key in {@code file}, owner-only, as the launcher makes {@code mailer.key}. */
    public static Path newKey(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, TestPki.randomPassword(), StandardCharsets.US_ASCII);
        return file;
    }

    /** Configures (or reconfigures) the CryptoService {@code names=name} with the key in {@code keyFile}, and waits for it. */
    public static void configure(BundleContext context, ConfigurationAdmin admin, String name, Path keyFile, Duration timeout)
            throws IOException {
        admin.getFactoryConfiguration(IV_GENERATOR, "it", "?").update(new Hashtable<>());
        Dictionary<String, Object> provider = new Hashtable<>();
        provider.put("names", new String[] {name});
        provider.put("path", keyFile.toString());
        admin.getFactoryConfiguration(PASSWORD_PROVIDER, name, "?").update(provider);
        Dictionary<String, Object> service = new Hashtable<>();
        service.put("names", new String[] {name});
        service.put("passwordProvider.target", "(names=" + name + ")");
        // a key file name as a property: a reconfiguration with another key is a new service registration to wait for
        service.put("it.key", keyFile.getFileName().toString());
        admin.getFactoryConfiguration(JASYPT, name, "?").update(service);
        await(context, "(&(names=" + name + ")(it.key=" + keyFile.getFileName() + "))", timeout);
    }

    /** Removes the CryptoService {@code names=name} and waits until it is gone. */
    public static void remove(BundleContext context, ConfigurationAdmin admin, String name, Duration timeout) throws IOException {
        for (String factory : new String[] {JASYPT, PASSWORD_PROVIDER}) {
            Configuration configuration = admin.getFactoryConfiguration(factory, name, "?");
            configuration.delete();
        }
        Await.until(() -> reference(context, "(names=" + name + ")") == null, timeout,
                () -> "the CryptoService names=" + name + " to go away");
    }

    /** {@code value} encrypted by the CryptoService {@code names=name}, as {@code ENC(...)}. */
    public static String encrypt(BundleContext context, String name, String value) {
        return "ENC(" + call(context, name, "encrypt", value) + ")";
    }

    /** {@code ciphertext} (without {@code ENC(...)}, as a stored file holds it) decrypted by the CryptoService {@code names=name}. */
    public static String decrypt(BundleContext context, String name, String ciphertext) {
        return call(context, name, "decrypt", ciphertext);
    }

    private static String call(BundleContext context, String name, String method, String value) {
        ServiceReference<?> reference = reference(context, "(names=" + name + ")");
        if (reference == null) {
            throw new AssertionError("no CryptoService names=" + name);
        }
        Object service = context.getService(reference);
        try {
            Class<?> api = reference.getBundle().loadClass(CRYPTO_SERVICE);
            return (String) api.getMethod(method, String.class).invoke(service, value);
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
            throw new AssertionError("cannot call " + CRYPTO_SERVICE + "." + method, e);
        } finally {
            context.ungetService(reference);
        }
    }

    private static void await(BundleContext context, String filter, Duration timeout) {
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, filter(context, filter), null);
        tracker.open(true);
        try {
            if (tracker.waitForService(timeout.toMillis()) == null) {
                throw new AssertionError("no CryptoService " + filter + " after " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            tracker.close();
        }
    }

    private static ServiceReference<?> reference(BundleContext context, String filter) {
        try {
            ServiceReference<?>[] references = context.getAllServiceReferences(CRYPTO_SERVICE, filter);
            return references == null ? null : references[0];
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(filter, e);
        }
    }

    private static org.osgi.framework.Filter filter(BundleContext context, String filter) {
        try {
            return context.createFilter("(&(objectClass=" + CRYPTO_SERVICE + ")" + filter + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(filter, e);
        }
    }
}
