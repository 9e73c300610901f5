package dev.mailer.oauth.impl;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.mailer.testsupport.net.TcpForwarder;

/**
 * A tiny HTTP proxy on 127.0.0.1 for tests: {@code CONNECT host:port} (https) is answered 200 and
 * tunnelled; a request in absolute form ({@code POST http://host:port/path}, what a client sends a
 * proxy for plain http) is passed on as it is. Either way the bytes are relayed both ways, and the
 * first line of each request is recorded. Only loopback targets; or, made with {@link #tunnellingTo}, every
 * {@code CONNECT} goes to one loopback address whatever name it asks for, as an egress proxy resolves
 * names the client cannot (the client never looks the name up: it only sends it to the proxy).
 */
final class ConnectProxy implements Closeable {

    private final ServerSocket server;
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    /** Where every CONNECT goes, or null: to the host and port it names. */
    private final InetSocketAddress tunnelTarget;

    ConnectProxy() throws IOException {
        this(null);
    }

    /** A proxy that tunnels every {@code CONNECT}, whatever host it names, to {@code target} on loopback. */
    static ConnectProxy tunnellingTo(InetSocketAddress target) throws IOException {
        if (!target.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("tests never leave 127.0.0.0/8: " + target);
        }
        return new ConnectProxy(target);
    }

    private ConnectProxy(InetSocketAddress tunnelTarget) throws IOException {
        this.tunnelTarget = tunnelTarget;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "connect-proxy-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
    }

    /** The first line of every request the proxy received, e.g. {@code CONNECT login.example:443 HTTP/1.1}. */
    List<String> requestLines() {
        return List.copyOf(requestLines);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread thread = new Thread(() -> serve(client), "connect-proxy-client");
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            String line = readLine(in);
            requestLines.add(line);
            String[] parts = line.split(" ");
            boolean connect = parts[0].equals("CONNECT");
            URI named = URI.create(connect ? "//" + parts[1] : parts[1]);
            InetSocketAddress target = connect && tunnelTarget != null ? tunnelTarget
                    : new InetSocketAddress(InetAddress.getByName(named.getHost()), named.getPort());
            if (!target.getAddress().isLoopbackAddress()) {
                return; // tests never leave 127.0.0.0/8
            }
            try (Socket upstream = new Socket(target.getAddress(), target.getPort())) {
                if (connect) {
                    String header;
                    do {
                        header = readLine(in);
                    } while (!header.isEmpty());
                    client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } else {
                    upstream.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
                TcpForwarder.relay(client, upstream);
            }
        } catch (IOException | RuntimeException e) {
            // the client or the target went away
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
