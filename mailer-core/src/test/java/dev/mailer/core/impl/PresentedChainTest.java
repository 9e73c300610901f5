package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.mailer.core.impl.TlsServerExtension.Mode;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * {@link DefaultMailService#presentedChain()}: the chain a server presents, trusted or not, with
 * the settings sending uses; no login, no mail. What {@code trust --save} shows and saves.
 */
class PresentedChainTest {

    @RegisterExtension
    static final TlsServerExtension TLS = new TlsServerExtension();

    @ParameterizedTest
    @EnumSource(Mode.class)
    void theChainOfAPrivateCaIsReturnedThoughNothingTrustsItAndNothingIsSent(Mode mode) throws Exception {
        TestSmtpServer server = TLS.start(mode, TLS.pki().trustedServerContext());

        List<X509Certificate> chain = new DefaultMailService(TLS.config(mode, null)).presentedChain();

        assertEquals(2, chain.size(), chain.toString());
        assertEquals("CN=localhost,O=dev.mailer", chain.get(0).getSubjectX500Principal().getName());
        assertEquals(caCertificate(), chain.get(1));
        assertEquals(0, server.count("AUTH"), server.events().toString());
        assertEquals(0, server.count("MAIL"), server.events().toString());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aTrustedChainIsReturnedToo(Mode mode) throws Exception {
        TLS.start(mode, TLS.pki().trustedServerContext());

        List<X509Certificate> chain = new DefaultMailService(TLS.config(mode, TLS.pki().truststore())).presentedChain();

        assertEquals(caCertificate(), chain.get(chain.size() - 1));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aSelfSignedServerPresentsOneCertificate(Mode mode) throws Exception {
        TLS.start(mode, TLS.pki().untrustedServerContext());

        List<X509Certificate> chain = new DefaultMailService(TLS.config(mode, null)).presentedChain();

        assertEquals(1, chain.size(), chain.toString());
        assertEquals("CN=localhost,O=untrusted", chain.get(0).getSubjectX500Principal().getName());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void noServerSaysWhichStepFailed(Mode mode) throws Exception {
        TestSmtpServer server = TLS.start(mode, TLS.pki().trustedServerContext());
        Map<String, Object> config = TLS.config(mode, null);
        server.close();

        IOException e = assertThrows(IOException.class, () -> new DefaultMailService(config).presentedChain());

        assertTrue(e.getMessage().startsWith("At step connect: "), e.getMessage());
    }

    private static X509Certificate caCertificate() throws Exception {
        try (InputStream in = Files.newInputStream(TLS.pki().caPem())) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
