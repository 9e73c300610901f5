package dev.mailer.launcher.devinbox;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A development SMTP server on the loopback interface that stores every message it receives as an
 * {@code .eml} file instead of delivering it. For trying the mailer without any mail account.
 *
 * <p>Speaks just enough SMTP for a mail client: EHLO/HELO, MAIL, RCPT, DATA (with dot-unstuffing),
 * RSET, NOOP, QUIT; anything else gets {@code 500}. No TLS and no authentication: it accepts
 * connections from this machine only. A thread per connection, a bounded number of connections,
 * and a bounded message size (larger messages are refused with {@code 552}, not stored).
 */
public final class DevInboxServer implements Closeable {

    /** RFC 5321 4.5.3.1.6: 1000 octets including CRLF; some slack for sloppy clients. */
    private static final int MAX_LINE = 4096;
    private static final int MAX_CONNECTIONS = 16;
    private static final int MAX_RECIPIENTS = 100;
    private static final int IDLE_TIMEOUT_MS = 5 * 60 * 1000;
    private static final String HOST = "localhost";
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS", Locale.ROOT);

    private final Path inbox;
    private final long maxMessageSize;
    private final Clock clock;
    private final ServerSocket serverSocket;
    private final Thread acceptor;
    private final Semaphore connections = new Semaphore(MAX_CONNECTIONS);
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final List<Path> stored = new CopyOnWriteArrayList<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private volatile boolean closed;

    private DevInboxServer(Path inbox, long maxMessageSize, Clock clock, ServerSocket serverSocket) {
        this.inbox = inbox;
        this.maxMessageSize = maxMessageSize;
        this.clock = clock;
        this.serverSocket = serverSocket;
        this.acceptor = new Thread(this::acceptLoop, "dev-inbox-smtp-" + serverSocket.getLocalPort());
        this.acceptor.setDaemon(true);
    }

    /**
     * Starts a server on 127.0.0.1 on a free port.
     *
     * @param inbox          folder for the {@code .eml} files, created if missing
     * @param maxMessageSize the largest message stored, in bytes
     */
    public static DevInboxServer start(Path inbox, long maxMessageSize) throws IOException {
        return start(inbox, maxMessageSize, Clock.systemDefaultZone());
    }

    static DevInboxServer start(Path inbox, long maxMessageSize, Clock clock) throws IOException {
        Files.createDirectories(inbox);
        ServerSocket socket = new ServerSocket();
        try {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        DevInboxServer server = new DevInboxServer(inbox, maxMessageSize, clock, socket);
        server.acceptor.start();
        return server;
    }

    public int getPort() {
        return serverSocket.getLocalPort();
    }

    public String getHost() {
        return serverSocket.getInetAddress().getHostAddress();
    }

    public Path getInbox() {
        return inbox;
    }

    /** The files stored since the server started, oldest first. */
    public List<Path> getStoredMessages() {
        return new ArrayList<>(stored);
    }

    /** Stops accepting, closes open connections and waits briefly for the accept thread. */
    @Override
    public void close() throws IOException {
        closed = true;
        serverSocket.close();
        for (Socket client : clients) {
            closeQuietly(client);
        }
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = serverSocket.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            if (!client.getInetAddress().isLoopbackAddress()) {
                closeQuietly(client); // bound to loopback; belt and braces
                continue;
            }
            if (!connections.tryAcquire()) {
                try (client) {
                    client.getOutputStream().write("421 4.3.2 Too many connections, try again later\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the client is gone anyway
                }
                continue;
            }
            clients.add(client);
            Thread worker = new Thread(() -> {
                try {
                    new Session(client).run();
                } finally {
                    clients.remove(client);
                    closeQuietly(client);
                    connections.release();
                }
            }, "dev-inbox-session-" + client.getPort());
            worker.setDaemon(true);
            worker.start();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** One SMTP conversation. */
    private final class Session {
        private final Socket socket;
        private InputStream in;
        private OutputStream out;
        private String mailFrom;
        private final List<String> recipients = new ArrayList<>();

        Session(Socket socket) {
            this.socket = socket;
        }

        void run() {
            try {
                socket.setSoTimeout(IDLE_TIMEOUT_MS);
                in = new BufferedInputStream(socket.getInputStream());
                out = socket.getOutputStream();
                reply("220 " + HOST + " mailer development inbox ESMTP (messages are stored, not delivered)");
                while (!closed) {
                    String line = readLine();
                    if (line == null) {
                        return;
                    }
                    if (!handle(line)) {
                        return;
                    }
                }
            } catch (LineTooLongException e) {
                try {
                    reply("500 5.5.2 Line too long");
                } catch (IOException ignored) {
                    // the client is gone
                }
            } catch (SocketException e) {
                // closed by the client or by close()
            } catch (IOException e) {
                // timeouts and broken connections end the session; the client sees the failure
            }
        }

        /** Returns false to end the session. */
        private boolean handle(String line) throws IOException {
            String verb = (line.length() >= 4 ? line.substring(0, 4) : line).toUpperCase(Locale.ROOT);
            String argument = line.length() > 4 ? line.substring(4).strip() : "";
            switch (verb) {
                case "EHLO":
                    reset();
                    reply("250-" + HOST + " hello " + argument, "250-SIZE " + maxMessageSize, "250-8BITMIME", "250 SMTPUTF8");
                    return true;
                case "HELO":
                    reset();
                    reply("250 " + HOST + " hello " + argument);
                    return true;
                case "MAIL":
                    if (!argument.toUpperCase(Locale.ROOT).startsWith("FROM:")) {
                        reply("501 5.5.4 Syntax: MAIL FROM:<address>");
                    } else if (mailFrom != null) {
                        reply("503 5.5.1 Nested MAIL command");
                    } else {
                        String from = path(argument.substring(5));
                        if (from == null) {
                            reply("501 5.1.7 Bad sender address syntax");
                        } else if (exceedsDeclaredSize(argument)) {
                            reply("552 5.3.4 Message size exceeds fixed maximum message size " + maxMessageSize);
                        } else {
                            mailFrom = from;
                            reply("250 2.1.0 Sender OK");
                        }
                    }
                    return true;
                case "RCPT":
                    if (mailFrom == null) {
                        reply("503 5.5.1 Need MAIL before RCPT");
                    } else if (!argument.toUpperCase(Locale.ROOT).startsWith("TO:")) {
                        reply("501 5.5.4 Syntax: RCPT TO:<address>");
                    } else if (recipients.size() >= MAX_RECIPIENTS) {
                        reply("452 4.5.3 Too many recipients");
                    } else {
                        String to = path(argument.substring(3));
                        if (to == null || to.isEmpty()) {
                            reply("501 5.1.3 Bad recipient address syntax");
                        } else {
                            recipients.add(to);
                            reply("250 2.1.5 Recipient OK");
                        }
                    }
                    return true;
                case "DATA":
                    if (recipients.isEmpty()) {
                        reply(mailFrom == null ? "503 5.5.1 Need MAIL command" : "503 5.5.1 Need RCPT command");
                        return true;
                    }
                    reply("354 End data with <CR><LF>.<CR><LF>");
                    receiveData();
                    return true;
                case "RSET":
                    reset();
                    reply("250 2.0.0 OK");
                    return true;
                case "NOOP":
                    reply("250 2.0.0 OK");
                    return true;
                case "QUIT":
                    reply("221 2.0.0 " + HOST + " closing connection");
                    return false;
                default:
                    reply("500 5.5.2 Command not recognized");
                    return true;
            }
        }

        private void receiveData() throws IOException {
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            boolean tooBig = false;
            while (true) {
                byte[] line = readRawLine();
                if (line == null) {
                    throw new IOException("connection closed during DATA");
                }
                if (line.length == 1 && line[0] == '.') {
                    break;
                }
                int start = line.length > 0 && line[0] == '.' ? 1 : 0; // dot-unstuffing, RFC 5321 4.5.2
                if (!tooBig) {
                    if (message.size() + line.length + 2 > maxMessageSize) {
                        tooBig = true; // keep reading up to the final dot, store nothing
                        message.reset();
                    } else {
                        message.write(line, start, line.length - start);
                        message.write('\r');
                        message.write('\n');
                    }
                }
            }
            if (tooBig) {
                reply("552 5.3.4 Message size exceeds fixed maximum message size " + maxMessageSize);
            } else {
                Path file = store(message.toByteArray());
                reply("250 2.0.0 OK stored as " + file.getFileName());
            }
            reset();
        }

        private Path store(byte[] content) throws IOException {
            // the envelope, as a delivering MTA would record it (Bcc recipients are in no header)
            StringBuilder envelope = new StringBuilder();
            envelope.append("Return-Path: <").append(mailFrom).append(">\r\n");
            for (String recipient : recipients) {
                envelope.append("X-Dev-Inbox-Rcpt-To: <").append(recipient).append(">\r\n");
            }
            // the port is unique among the servers running now, so launchers sharing a data folder never pick
            // the same name (a move onto an existing name would replace that message)
            String name = LocalDateTime.now(clock).format(FILE_TIME) + "-" + getPort() + "-" + sequence.incrementAndGet() + ".eml";
            Path temp = Files.createTempFile(inbox, ".incoming-", ".tmp");
            try (OutputStream file = Files.newOutputStream(temp)) {
                file.write(envelope.toString().getBytes(StandardCharsets.UTF_8));
                file.write(content);
            }
            // complete files only: whoever watches the folder never sees half a message
            Path target = Files.move(temp, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            stored.add(target);
            return target;
        }

        private boolean exceedsDeclaredSize(String argument) {
            for (String parameter : argument.split("\\s+")) {
                if (parameter.toUpperCase(Locale.ROOT).startsWith("SIZE=")) {
                    try {
                        return Long.parseLong(parameter.substring(5)) > maxMessageSize;
                    } catch (NumberFormatException e) {
                        return false;
                    }
                }
            }
            return false;
        }

        private void reset() {
            mailFrom = null;
            recipients.clear();
        }

        private void reply(String... lines) throws IOException {
            StringBuilder text = new StringBuilder();
            for (String line : lines) {
                text.append(line).append("\r\n");
            }
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        private String readLine() throws IOException {
            byte[] line = readRawLine();
            return line == null ? null : new String(line, StandardCharsets.UTF_8);
        }

        /** A line without its CRLF (a bare LF is accepted too), or null at the end of the stream. */
        private byte[] readRawLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream(128);
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return java.util.Arrays.copyOf(bytes, length);
                }
                if (line.size() >= MAX_LINE) {
                    throw new LineTooLongException();
                }
                line.write(b);
            }
            return line.size() == 0 ? null : line.toByteArray();
        }
    }

    /** {@code <a@b> PARAM=...} or {@code a@b}: the address, "" for the null path, null if malformed. */
    static String path(String argument) {
        String value = argument.strip();
        if (value.startsWith("<")) {
            int end = value.indexOf('>');
            if (end < 0) {
                return null;
            }
            return value.substring(1, end).strip();
        }
        int space = value.indexOf(' ');
        value = space < 0 ? value : value.substring(0, space);
        return value.isEmpty() ? null : value;
    }

    private static final class LineTooLongException extends IOException {
        private static final long serialVersionUID = 1L;
    }
}
