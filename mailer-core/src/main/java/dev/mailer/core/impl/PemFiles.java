package dev.mailer.core.impl;

import dev.mailer.commons.config.InvalidConfigurationException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM files (RFC 7468) as the JDK reads them without keytool: {@code smtp.truststore.type=PEM}, one
 * or more {@code -----BEGIN CERTIFICATE-----} blocks, as {@code /etc/ssl} and every CA hand them out;
 * {@code smtp.keystore.type=PEM}, an unencrypted PKCS#8 private key with its certificate chain.
 */
final class PemFiles {

    static final String TYPE = "PEM";

    private static final Pattern CERTIFICATE = Pattern.compile(
            "-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", Pattern.DOTALL);
    private static final Pattern PKCS8_KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----(.*?)-----END PRIVATE KEY-----", Pattern.DOTALL);
    private static final Pattern PRIVATE_KEY = Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----");

    private PemFiles() {
    }

    /**
     * An in-memory key store trusting every certificate of the PEM file {@code file}
     * ({@code smtp.truststore.path}).
     *
     * @throws InvalidConfigurationException naming smtp.truststore.path when the file holds no certificate
     */
    static KeyStore trustStore(Path file) throws InvalidConfigurationException, GeneralSecurityException {
        List<X509Certificate> certificates = certificates(file, SmtpSettings.TRUSTSTORE_PATH, SmtpSettings.TRUSTSTORE_TYPE);
        KeyStore store = emptyStore();
        for (int i = 0; i < certificates.size(); i++) {
            store.setCertificateEntry("pem-" + i, certificates.get(i));
        }
        return store;
    }

    /**
     * An in-memory key store with the unencrypted PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----})
     * and the certificate chain (leaf first) of the PEM file {@code file} ({@code smtp.keystore.path}),
     * the key protected by {@code password} in memory only.
     *
     * @throws InvalidConfigurationException naming smtp.keystore.path when the key or the certificate is missing
     */
    static KeyStore keyStore(Path file, char[] password) throws InvalidConfigurationException, GeneralSecurityException {
        List<X509Certificate> chain = certificates(file, SmtpSettings.KEYSTORE_PATH, SmtpSettings.KEYSTORE_TYPE);
        Matcher key = PKCS8_KEY.matcher(read(file, SmtpSettings.KEYSTORE_PATH));
        if (!key.find()) {
            throw invalid(SmtpSettings.KEYSTORE_PATH, file + " holds no -----BEGIN PRIVATE KEY----- block; with "
                    + SmtpSettings.KEYSTORE_TYPE + "=PEM it must hold the client's unencrypted PKCS#8 private key and its"
                    + " certificate chain (openssl pkcs8 -topk8 -nocrypt converts other key formats)");
        }
        PrivateKey privateKey;
        try {
            byte[] der = Base64.getMimeDecoder().decode(key.group(1));
            privateKey = KeyFactory.getInstance(chain.get(0).getPublicKey().getAlgorithm())
                    .generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw invalid(SmtpSettings.KEYSTORE_PATH, "the private key in " + file + " cannot be read as an unencrypted PKCS#8 "
                    + chain.get(0).getPublicKey().getAlgorithm() + " key (" + e.getClass().getSimpleName()
                    + "); it must belong to the first certificate of the file");
        }
        KeyStore store = emptyStore();
        store.setKeyEntry("client", privateKey, password, chain.toArray(new X509Certificate[0]));
        return store;
    }

    /**
     * The certificates of the PEM file {@code file}, in their order.
     *
     * @param pathSetting the property naming {@code file}, for the error
     * @param typeSetting the property whose value PEM made us read {@code file} as PEM
     * @throws InvalidConfigurationException naming {@code pathSetting} when the file cannot be read or
     *         holds no certificate
     */
    static List<X509Certificate> certificates(Path file, String pathSetting, String typeSetting) throws InvalidConfigurationException {
        String text = read(file, pathSetting);
        Matcher blocks = CERTIFICATE.matcher(text);
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            while (blocks.find()) {
                byte[] block = blocks.group().getBytes(StandardCharsets.US_ASCII);
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block)));
            }
        } catch (CertificateException e) {
            throw invalid(pathSetting, file + " has a -----BEGIN CERTIFICATE----- block that is not an X.509 certificate ("
                    + e.getMessage() + "); export the certificate again as PEM");
        }
        if (certificates.isEmpty()) {
            String found = PRIVATE_KEY.matcher(text).find() ? "holds a private key but no certificate"
                    : "holds no -----BEGIN CERTIFICATE----- block";
            String what = SmtpSettings.KEYSTORE_TYPE.equals(typeSetting) ? "the client's private key and certificate chain"
                    : "the CA certificates to trust";
            throw invalid(pathSetting, file + " " + found + "; with " + typeSetting + "=PEM it must be a PEM file of "
                    + what + " (or set " + typeSetting + " to PKCS12 or JKS for a key store file)");
        }
        return certificates;
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot make an empty key store", e);
        }
        return store;
    }

    private static String read(Path file, String pathSetting) throws InvalidConfigurationException {
        try {
            // PEM is ASCII; anything else decodes to replacement characters, which match no block
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw invalid(pathSetting, "cannot read " + file + ": " + e.getMessage());
        }
    }

    private static InvalidConfigurationException invalid(String property, String text) {
        return InvalidConfigurationException.of(DefaultMailService.PID, property, text);
    }
}
