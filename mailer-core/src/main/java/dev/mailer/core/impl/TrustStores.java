package dev.mailer.core.impl;

import dev.mailer.commons.config.InvalidConfigurationException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the socket factory for {@code smtp.truststore.path}: the certificates in that file are
 * trusted instead of the JVM's. Certificate and host-name checks stay on either way.
 */
final class TrustStores {

    private TrustStores() {
    }

    /**
     * @return the factory trusting the configured truststore, or null to use the JVM's default
     * @throws InvalidConfigurationException when the file cannot be read as a truststore
     */
    static SSLSocketFactory socketFactory(SmtpSettings settings) throws InvalidConfigurationException {
        if (settings.truststorePath == null) {
            return null;
        }
        try (InputStream in = Files.newInputStream(settings.truststorePath)) {
            KeyStore store = KeyStore.getInstance(settings.truststoreType);
            char[] password = settings.truststorePassword == null ? null : settings.truststorePassword.toCharArray();
            store.load(in, password);
            if (store.size() == 0) {
                throw invalid(SmtpSettings.TRUSTSTORE_PATH, settings.truststorePath + " contains no certificates");
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw invalid(SmtpSettings.TRUSTSTORE_PASSWORD, "the password does not open " + settings.truststorePath
                        + "; put the right one in the secret smtp_truststore_password");
            }
            throw invalid(SmtpSettings.TRUSTSTORE_PATH, settings.truststorePath + " cannot be read as a "
                    + settings.truststoreType + " truststore (" + e.getMessage() + "); check smtp.truststore.type (PKCS12 or JKS)");
        } catch (GeneralSecurityException e) {
            throw invalid(SmtpSettings.TRUSTSTORE_TYPE, "cannot load " + settings.truststorePath + " as "
                    + settings.truststoreType + ": " + e.getMessage());
        }
    }

    private static InvalidConfigurationException invalid(String property, String text) {
        return InvalidConfigurationException.of(DefaultMailService.PID, property, text);
    }
}
