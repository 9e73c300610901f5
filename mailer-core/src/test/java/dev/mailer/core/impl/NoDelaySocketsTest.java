package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.util.Map;
import java.util.Properties;

import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

import org.junit.jupiter.api.Test;

import dev.mailer.testsupport.pki.TestPki;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/** Nagle's algorithm is off on the sockets of every SMTP connection (a pooled send paid a delayed ACK per message with it on). */
class NoDelaySocketsTest {

    @Test
    void theSessionsFactoriesSwitchNagleOffOnTheTcpSocketAndOnTheTlsLayerOverIt() throws Exception {
        TestPki pki = TestPki.shared();
        Properties props = SmtpConnector.sessionProperties(SmtpSettings.from(OutboxTestSupport.config(1)), "smtp",
                pki.clientContext().getSocketFactory());
        SocketFactory plain = (SocketFactory) props.get("mail.smtp.socketFactory");
        SSLSocketFactory tls = (SSLSocketFactory) props.get("mail.smtp.ssl.socketFactory");

        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket tcp = plain.createSocket()) {
            assertTrue(tcp.getTcpNoDelay(), "the TCP socket Angus connects");
            tcp.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            try (Socket accepted = server.accept(); Socket upgraded = tls.createSocket(tcp, "localhost", server.getLocalPort(), true)) {
                assertTrue(upgraded.getTcpNoDelay(), "the TLS socket STARTTLS layers over it");
            }
        }
    }

    @Test
    void aConnectionUpgradedWithStartTlsHasNagleOff() throws Exception {
        TestPki pki = TestPki.shared();
        try (TestSmtpServer smtp = TestSmtpServer.builder().startTls(pki.trustedServerContext())
                .credentials("workflow", "s3cret-Pa55").start()) {
            Map<String, Object> config = OutboxTestSupport.config(smtp.port());
            config.put("smtp.starttls", true);
            config.put("smtp.requiretls", true);
            config.put("smtp.truststore.path", pki.truststore().toString());
            config.put("smtp.truststore.type", "PKCS12");
            config.put("smtp.truststore.password", pki.truststorePassword());
            SmtpSettings settings = SmtpSettings.from(config);
            SmtpConnection connection = new SmtpConnector(settings, TrustStores.socketFactory(settings), Clock.systemUTC())
                    .open(null, null);
            try {
                assertTrue(connection.transport.isConnected());
                // Angus keeps the socket to itself: the field is the one way to look at what it uses
                Field field = connection.transport.getClass().getDeclaredField("serverSocket");
                field.setAccessible(true);
                assertTrue(((Socket) field.get(connection.transport)).getTcpNoDelay());
            } finally {
                connection.close();
            }
        }
    }

}
