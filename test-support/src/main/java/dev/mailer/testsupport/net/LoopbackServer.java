package dev.mailer.testsupport.net;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The TCP side of the test servers ({@code TestSmtpServer}, {@code TokenRelay}): listens on
 * 127.0.0.1, accepts on a daemon thread and serves each connection on a daemon thread of its own;
 * {@link #close()} closes the listening socket and every open connection.
 * <p>
 * JDK classes only: it runs inside Felix (in the Pax Exam probe) as well as in the test JVM.
 */
public final class LoopbackServer implements Closeable {

    /** Serves one accepted connection; the socket is closed when this returns. */
    @FunctionalInterface
    public interface Handler {
        /**
         * @param socket the accepted connection
         * @param id 1 for the first connection of this server, 2 for the second, ...
         * @throws IOException taken as the client having gone away
         */
        void handle(Socket socket, int id) throws IOException;
    }

    private final String name;
    private final ServerSocket serverSocket;
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Thread acceptor;
    private volatile boolean closed;

    /**
     * Binds 127.0.0.1 on {@code port}, 0 for a free one ({@link #port()}); accepts nothing until
     * {@link #start}. {@code name} starts the names of the threads.
     */
    public LoopbackServer(String name, int port, int backlog) throws IOException {
        this.name = name;
        this.serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), backlog);
    }

    /** Starts accepting; each connection goes to {@code handler} on its own thread. */
    public LoopbackServer start(Handler handler) {
        Thread thread = new Thread(() -> acceptLoop(handler), name + "-accept-" + port());
        thread.setDaemon(true);
        acceptor = thread;
        thread.start();
        return this;
    }

    /** The port listened on. */
    public int port() {
        return serverSocket.getLocalPort();
    }

    /** Closes {@code socket} too on {@link #close()}, e.g. a TLS socket layered over an accepted one. */
    public void track(Socket socket) {
        clients.add(socket);
    }

    /** No longer closes {@code socket} on {@link #close()}. */
    public void untrack(Socket socket) {
        clients.remove(socket);
    }

    /** Closes every open connection now, and goes on accepting new ones (a server restart, as the clients see it). */
    public void closeConnections() {
        for (Socket client : clients) {
            closeQuietly(client);
        }
    }

    /** Closes the listening socket and all tracked connections; waits up to 5 s for the acceptor to end. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(serverSocket);
        for (Socket client : clients) {
            closeQuietly(client);
        }
        Thread thread = acceptor;
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void acceptLoop(Handler handler) {
        while (!closed) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                return; // closed
            }
            int id = connections.incrementAndGet();
            clients.add(socket);
            Thread connection = new Thread(() -> {
                try {
                    handler.handle(socket, id);
                } catch (IOException e) {
                    // client went away
                } finally {
                    clients.remove(socket);
                    closeQuietly(socket);
                }
            }, name + "-" + port() + "-conn-" + id);
            connection.setDaemon(true);
            connection.start();
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
