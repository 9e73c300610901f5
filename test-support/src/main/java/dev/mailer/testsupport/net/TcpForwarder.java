package dev.mailer.testsupport.net;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP port forwarder on 127.0.0.1, standing in for AEM as a Cloud Service's {@code proxy.tunnel}:
 * each connection accepted is relayed byte for byte, both ways, to 127.0.0.1 at the target port. It
 * neither reads nor changes TLS, so the client's TLS ends at the server behind it.
 */
public final class TcpForwarder implements Closeable {

    private final LoopbackServer server;
    private final AtomicInteger forwarded = new AtomicInteger();

    private TcpForwarder(int targetPort) throws IOException {
        server = new LoopbackServer("forwarder", 0, 50);
        server.start((client, id) -> relay(client, targetPort));
    }

    /** Starts forwarding a free port of 127.0.0.1 ({@link #port()}) to 127.0.0.1:{@code targetPort}. */
    public static TcpForwarder to(int targetPort) throws IOException {
        return new TcpForwarder(targetPort);
    }

    /** The port clients connect to. */
    public int port() {
        return server.port();
    }

    /** How many connections were forwarded so far. */
    public int forwarded() {
        return forwarded.get();
    }

    private void relay(Socket client, int targetPort) throws IOException {
        try (Socket target = new Socket()) {
            target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 10_000);
            server.track(target);
            forwarded.incrementAndGet();
            relay(client, target);
        }
    }

    /**
     * Relays bytes both ways between two connected sockets until both directions have ended (or
     * 10 s after the first did); for test relays and proxies. Closes neither socket on a clean end.
     */
    public static void relay(Socket a, Socket b) {
        Thread back = new Thread(() -> copy(b, a), "relay-back");
        back.setDaemon(true);
        back.start();
        copy(a, b);
        try {
            back.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Copies until {@code from} ends, then ends the output of {@code to} (half close, as TCP does). */
    private static void copy(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side went away: close both, so that the other side notices too
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
