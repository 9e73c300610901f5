package dev.mailer.core.impl;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * Socket factories for Angus that switch Nagle's algorithm off (TCP_NODELAY) on every socket of an
 * SMTP connection. SMTP is a dialogue of small writes, each answered before the next: with Nagle on,
 * a command written right after another one (DATA's content after its last line, the dot after the
 * content) waits for the server's delayed ACK, up to 40 ms on Linux, which a pooled connection paid
 * on every message. Angus sets no socket options of its own; TLS and its checks stay with the
 * factory wrapped.
 */
final class NoDelaySockets {

    private NoDelaySockets() {
    }

    /** For {@code mail.<protocol>.socketFactory}: the TCP socket that STARTTLS later upgrades. */
    static SocketFactory plain() {
        return new Plain();
    }

    /**
     * For {@code mail.<protocol>.ssl.socketFactory}: {@code tls}, or when null the JVM's default as it
     * is at each connect (as Angus would take it), with TCP_NODELAY on the sockets it creates or layers
     * over a connected one (implicit TLS, STARTTLS). TLS is for {@code serverName} (null: the host
     * connected to): the JDK sends it as SNI and verifies the certificate for it (the endpoint
     * identification Angus sets on the socket checks the socket's peer host), while TCP goes to
     * smtp.host (a forwarder such as AEM's proxy.tunnel). For implicit TLS the unconnected socket is a
     * plain one, so that Angus layers TLS over it through
     * {@link SSLSocketFactory#createSocket(Socket, String, int, boolean)} too.
     */
    static SSLSocketFactory tls(SSLSocketFactory tls, String serverName) {
        return new Tls(tls, serverName);
    }

    static <S extends Socket> S noDelay(S socket) throws IOException {
        socket.setTcpNoDelay(true);
        return socket;
    }

    private static final class Plain extends SocketFactory {
        @Override
        public Socket createSocket() throws IOException {
            return noDelay(new Socket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(new Socket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return noDelay(new Socket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(new Socket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return noDelay(new Socket(address, port, localAddress, localPort));
        }
    }

    private static final class Tls extends SSLSocketFactory {
        /** Null for the JVM's default. */
        private final SSLSocketFactory configured;
        /** Null: the host Angus connected to. */
        private final String serverName;

        Tls(SSLSocketFactory configured, String serverName) {
            this.configured = configured;
            this.serverName = serverName;
        }

        private SSLSocketFactory delegate() {
            return configured != null ? configured : (SSLSocketFactory) SSLSocketFactory.getDefault();
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate().getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate().getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
            noDelay(socket);
            return noDelay(delegate().createSocket(socket, serverName != null ? serverName : host, port, autoClose));
        }

        @Override
        public Socket createSocket() throws IOException {
            return noDelay(serverName != null ? new Socket() : delegate().createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(delegate().createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return noDelay(delegate().createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(delegate().createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return noDelay(delegate().createSocket(address, port, localAddress, localPort));
        }
    }
}
