package dev.mailer.broker.impl;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * The broker's socket: made owner-only before anyone can connect, then given its group and permissions;
 * one request line per connection, answered by {@code answer} (request line, peer) and closed. A client
 * that sends no line within a few seconds is cut off. A stale socket file of an earlier run is replaced.
 */
final class UnixSocketListener implements Closeable {

    private static final long REQUEST_TIMEOUT_SECONDS = 5;

    private final Path path;
    private final ServerSocketChannel server;
    private final ExecutorService workers = Executors.newFixedThreadPool(4, daemon("mailer-token-broker"));
    private final ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor(daemon("mailer-token-broker-timeout"));
    private final BiFunction<String, String, String> answer;
    private final Thread acceptor;

    UnixSocketListener(BrokerSettings settings, BiFunction<String, String, String> answer) throws IOException {
        this.path = settings.socket;
        this.answer = answer;
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
            PosixFileAttributeView file = Files.getFileAttributeView(path, PosixFileAttributeView.class);
            file.setPermissions(PosixFilePermissions.fromString("rw-------"));
            if (settings.group != null) {
                GroupPrincipal group = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(settings.group);
                file.setGroup(group);
            }
            file.setPermissions(settings.permissions);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        acceptor = new Thread(this::acceptLoop, "mailer-token-broker-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                workers.execute(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(SocketChannel client) {
        ScheduledFuture<?> cutOff = timeouts.schedule(() -> closeQuietly(client), REQUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        try (client) {
            String line = readLine(client);
            if (line == null) {
                return;
            }
            String reply = answer.apply(line, PeerCredentials.of(client));
            client.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            // the client went away, or took too long
        } finally {
            cutOff.cancel(false);
        }
    }

    /** The first line, without its line break; null when the client sent none or too much. */
    private static String readLine(SocketChannel client) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(BrokerRequest.MAX_LINE);
        while (line.size() <= BrokerRequest.MAX_LINE) {
            buffer.clear();
            int read = client.read(buffer);
            if (read < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            for (int i = 0; i < read; i++) {
                byte b = buffer.get(i);
                if (b == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                line.write(b);
            }
        }
        return null;
    }

    @Override
    public void close() {
        closeQuietly(server);
        workers.shutdownNow();
        timeouts.shutdownNow();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // the next start replaces it
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
