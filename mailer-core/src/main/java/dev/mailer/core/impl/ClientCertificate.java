package dev.mailer.core.impl;

import dev.mailer.commons.config.InvalidConfigurationException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.temporal.ChronoUnit;
import java.util.Collections;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

/**
 * The client certificate of {@code smtp.keystore.path}, for servers and relay connectors that
 * authenticate the sender by certificate: its key manager goes into the TLS context of sending and
 * of the connection check (STARTTLS and implicit TLS alike). Loaded once per configuration.
 */
final class ClientCertificate {

    final X509KeyManager keys;
    /** The certificate the server gets to see: the first key entry's. */
    final X509Certificate certificate;

    private ClientCertificate(X509KeyManager keys, X509Certificate certificate) {
        this.keys = keys;
        this.certificate = certificate;
    }

    /**
     * @return the configured client certificate, or null when smtp.keystore.path is not set
     * @throws InvalidConfigurationException naming smtp.keystore.path (or .password) when the file
     *         cannot be read as a key store with a private key
     */
    static ClientCertificate of(SmtpSettings settings) throws InvalidConfigurationException {
        if (settings.keystorePath == null) {
            return null;
        }
        char[] password = settings.keystorePassword == null ? new char[0] : settings.keystorePassword.toCharArray();
        try {
            KeyStore store = PemFiles.TYPE.equalsIgnoreCase(settings.keystoreType)
                    ? PemFiles.keyStore(settings.keystorePath, password) : load(settings, password);
            for (String alias : Collections.list(store.aliases())) {
                Certificate certificate = store.getCertificate(alias);
                if (store.isKeyEntry(alias) && certificate instanceof X509Certificate) {
                    return new ClientCertificate(keyManager(store, password), (X509Certificate) certificate);
                }
            }
            throw invalid(SmtpSettings.KEYSTORE_PATH, settings.keystorePath + " holds no private key with a certificate;"
                    + " smtp.keystore.path must name the client's key and certificate chain");
        } catch (UnrecoverableKeyException e) {
            throw wrongPassword(settings);
        } catch (GeneralSecurityException e) {
            throw invalid(SmtpSettings.KEYSTORE_TYPE, "cannot load " + settings.keystorePath + " as "
                    + settings.keystoreType + ": " + e.getMessage());
        }
    }

    /** For the check: whose certificate the server gets, and until when. */
    String describe(SmtpSettings settings) {
        return "client certificate: subject " + certificate.getSubjectX500Principal().getName() + "; issuer "
                + certificate.getIssuerX500Principal().getName() + "; not after "
                + certificate.getNotAfter().toInstant().truncatedTo(ChronoUnit.SECONDS) + " (smtp.keystore.path="
                + settings.keystorePath + ")";
    }

    /** The key managers of {@code client}: none (no client certificate) when it is null. */
    static KeyManager[] managers(ClientCertificate client) {
        return client == null ? null : new KeyManager[] {client.keys};
    }

    private static KeyStore load(SmtpSettings settings, char[] password) throws InvalidConfigurationException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(settings.keystorePath)) {
            KeyStore store = KeyStore.getInstance(settings.keystoreType);
            store.load(in, password);
            return store;
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw wrongPassword(settings);
            }
            throw invalid(SmtpSettings.KEYSTORE_PATH, settings.keystorePath + " cannot be read as a "
                    + settings.keystoreType + " key store (" + e.getMessage() + "); check smtp.keystore.type (PKCS12, JKS or PEM)");
        }
    }

    private static X509KeyManager keyManager(KeyStore store, char[] password) throws GeneralSecurityException {
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        for (KeyManager manager : factory.getKeyManagers()) {
            if (manager instanceof X509KeyManager) {
                return (X509KeyManager) manager;
            }
        }
        throw new GeneralSecurityException("the " + factory.getAlgorithm() + " key manager factory made no X509KeyManager");
    }

    private static InvalidConfigurationException wrongPassword(SmtpSettings settings) {
        return invalid(SmtpSettings.KEYSTORE_PASSWORD, "the password does not open " + settings.keystorePath
                + " or its key; put the right one in the secret smtp_keystore_password");
    }

    private static InvalidConfigurationException invalid(String property, String text) {
        return InvalidConfigurationException.of(DefaultMailService.PID, property, text);
    }
}
