package dev.mailer.core.impl;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Remembers the certificate chain a server presented, then lets the real trust manager decide:
 * the connection check can so list the chain also when it is not trusted. Decides nothing itself.
 */
final class RecordingTrustManager {

    /** Where the presented chain goes. */
    static final class Chain {
        private volatile List<X509Certificate> certificates = List.of();

        void record(X509Certificate[] chain) {
            certificates = chain == null ? List.of() : List.of(chain);
        }

        /** The chain the server presented, leaf first; empty when it presented none (yet). */
        List<X509Certificate> certificates() {
            return certificates;
        }

        /** One line per certificate, leaf first: subject, issuer, end of validity. */
        List<String> describe() {
            List<X509Certificate> chain = certificates;
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < chain.size(); i++) {
                X509Certificate c = chain.get(i);
                lines.add("certificate " + (i + 1) + ": subject " + c.getSubjectX500Principal().getName() + "; issuer "
                        + c.getIssuerX500Principal().getName() + "; not after "
                        + c.getNotAfter().toInstant().truncatedTo(ChronoUnit.SECONDS));
            }
            return lines;
        }

        /** Whether the server presented one certificate that signed itself (then that one is what to trust). */
        boolean isSingleSelfSigned() {
            List<X509Certificate> chain = certificates;
            if (chain.size() != 1 || !chain.get(0).getSubjectX500Principal().equals(chain.get(0).getIssuerX500Principal())) {
                return false;
            }
            try {
                chain.get(0).verify(chain.get(0).getPublicKey());
                return true;
            } catch (GeneralSecurityException e) {
                return false;
            }
        }
    }

    private RecordingTrustManager() {
    }

    /**
     * A trust manager that records into {@code chain} and then asks {@code delegate}. An extended
     * delegate (the JDK's) keeps its socket-aware checks, host-name verification among them; a plain
     * one is wrapped plainly, so that the JDK adds host-name verification itself.
     */
    static TrustManager wrap(X509TrustManager delegate, Chain chain) {
        if (delegate instanceof X509ExtendedTrustManager) {
            return new Extended((X509ExtendedTrustManager) delegate, chain);
        }
        return new Plain(delegate, chain);
    }

    private static final class Extended extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;
        private final Chain chain;

        Extended(X509ExtendedTrustManager delegate, Chain chain) {
            this.delegate = delegate;
            this.chain = chain;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certificates, String authType, Socket socket) throws CertificateException {
            chain.record(certificates);
            delegate.checkServerTrusted(certificates, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certificates, String authType, SSLEngine engine) throws CertificateException {
            chain.record(certificates);
            delegate.checkServerTrusted(certificates, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
            chain.record(certificates);
            delegate.checkServerTrusted(certificates, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certificates, String authType, Socket socket) throws CertificateException {
            delegate.checkClientTrusted(certificates, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certificates, String authType, SSLEngine engine) throws CertificateException {
            delegate.checkClientTrusted(certificates, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
            delegate.checkClientTrusted(certificates, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }

    private static final class Plain implements X509TrustManager {
        private final X509TrustManager delegate;
        private final Chain chain;

        Plain(X509TrustManager delegate, Chain chain) {
            this.delegate = delegate;
            this.chain = chain;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
            chain.record(certificates);
            delegate.checkServerTrusted(certificates, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
            delegate.checkClientTrusted(certificates, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
