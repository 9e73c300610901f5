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
     * over a connected one (implicit TLS, STARTTLS).
     */
    static SSLSocketFactory tls(SSLSocketFactory tls) {
        return new Tls(tls);
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

        Tls(SSLSocketFactory configured) {
            this.configured = configured;
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
            return noDelay(delegate().createSocket(socket, host, port, autoClose));
        }

        @Override
        public Socket createSocket() throws IOException {
            return noDelay(delegate().createSocket());
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
