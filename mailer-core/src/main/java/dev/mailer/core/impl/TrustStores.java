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
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The trust of {@code smtp.truststore.path}: the certificates in that file are trusted instead of
 * the JVM's. Certificate and host-name checks stay on either way. Sending and the connection check
 * use the same trust manager, loaded once per configuration.
 */
final class TrustStores {

    private TrustStores() {
    }

    /**
     * @return the factory trusting the configured truststore, or null to use the JVM's default
     * @throws InvalidConfigurationException when the file cannot be read as a truststore
     */
    static SSLSocketFactory socketFactory(SmtpSettings settings) throws InvalidConfigurationException {
        return socketFactory(trustManager(settings));
    }

    /** A factory trusting exactly {@code trust}; null (the JVM's default) when {@code trust} is null. */
    static SSLSocketFactory socketFactory(X509TrustManager trust) {
        return trust == null ? null : context(trust).getSocketFactory();
    }

    /**
     * A factory trusting {@code trust} (null: the JVM's default trust) that presents {@code client}'s
     * certificate when the server asks for one; null (the JVM's default factory) when both are null.
     */
    static SSLSocketFactory socketFactory(ClientCertificate client, X509TrustManager trust) {
        if (client == null) {
            return socketFactory(trust);
        }
        try {
            return context(client, trust != null ? trust : jvmDefault()).getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM's default truststore cannot be loaded", e);
        }
    }

    /**
     * @return the trust manager of the configured truststore, or null when none is configured (the
     *         JVM's default applies)
     * @throws InvalidConfigurationException when the file cannot be read as a truststore
     */
    static X509TrustManager trustManager(SmtpSettings settings) throws InvalidConfigurationException {
        if (settings.truststorePath == null) {
            return null;
        }
        if (PemFiles.TYPE.equalsIgnoreCase(settings.truststoreType)) {
            try {
                return x509(PemFiles.trustStore(settings.truststorePath));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this JVM cannot hold X.509 certificates in a PKCS12 key store", e);
            }
        }
        try (InputStream in = Files.newInputStream(settings.truststorePath)) {
            KeyStore store = KeyStore.getInstance(settings.truststoreType);
            char[] password = settings.truststorePassword == null ? null : settings.truststorePassword.toCharArray();
            store.load(in, password);
            if (store.size() == 0) {
                throw invalid(SmtpSettings.TRUSTSTORE_PATH, settings.truststorePath + " contains no certificates");
            }
            return x509(store);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw invalid(SmtpSettings.TRUSTSTORE_PASSWORD, "the password does not open " + settings.truststorePath
                        + "; put the right one in the secret smtp_truststore_password");
            }
            throw invalid(SmtpSettings.TRUSTSTORE_PATH, settings.truststorePath + " cannot be read as a "
                    + settings.truststoreType + " truststore (" + e.getMessage() + "); check smtp.truststore.type (PKCS12, JKS or PEM)");
        } catch (GeneralSecurityException e) {
            throw invalid(SmtpSettings.TRUSTSTORE_TYPE, "cannot load " + settings.truststorePath + " as "
                    + settings.truststoreType + ": " + e.getMessage());
        }
    }

    /** What {@code trust} (from {@link #trustManager}) is, in words: the configured truststore or the JVM's. */
    static String describe(X509TrustManager trust, SmtpSettings settings) {
        return trust == null ? "the JVM's default truststore (javax.net.ssl.trustStore or the JDK's cacerts)"
                : "smtp.truststore.path=" + settings.truststorePath + " (" + settings.truststoreType + ")";
    }

    /**
     * The trust manager of the JVM's default truststore ({@code javax.net.ssl.trustStore}, else the
     * JDK's {@code cacerts}): what {@code SSLContext.getDefault()}, and so Angus without
     * {@code smtp.truststore.path}, trusts.
     */
    static X509TrustManager jvmDefault() throws GeneralSecurityException {
        return x509(null);
    }

    /** A TLS context that trusts through {@code trust} (no client certificate). */
    static SSLContext context(TrustManager trust) {
        return context(null, trust);
    }

    /** A TLS context that trusts through {@code trust} and presents {@code client}'s certificate (none when null). */
    static SSLContext context(ClientCertificate client, TrustManager trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(ClientCertificate.managers(client), new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM offers no TLS", e);
        }
    }

    private static X509TrustManager x509(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager) {
                return (X509TrustManager) manager;
            }
        }
        throw new GeneralSecurityException("the " + factory.getAlgorithm() + " trust manager factory made no X509TrustManager");
    }

    private static InvalidConfigurationException invalid(String property, String text) {
        return InvalidConfigurationException.of(DefaultMailService.PID, property, text);
    }
}
