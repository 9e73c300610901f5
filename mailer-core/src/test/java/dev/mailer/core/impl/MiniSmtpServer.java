package dev.mailer.core.impl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Just enough of an SMTP server on 127.0.0.1 for the TLS and connection-check tests: TLS from the
 * first byte (smtps) or after {@code STARTTLS}, or none, then EHLO, AUTH (accepts anything unless told
 * otherwise; a mechanism without an initial response gets a {@code 334} first, LOGIN two),
 * MAIL, RCPT, DATA, QUIT. What it offers and answers can be changed before a client connects
 * ({@link #offerStartTls}, {@link #authMechanisms}, {@link #authReply}, {@link #mailFromReply}, {@link #onQuit}).
 * One connection at a time, on one daemon thread. Records what happened as events:
 * {@code CONNECT}, {@code TLS}, {@code TLS-FAILED}, each command's verb, {@code MESSAGE},
 * {@code DISCONNECT}.
 */
final class MiniSmtpServer implements AutoCloseable {

    /** What the server does when it receives QUIT. */
    enum Quit {
        /** Answers 221 and closes. */
        REPLY,
        /** Resets the connection (TCP RST) without answering. */
        RESET,
        /** Never answers; closes once the client has given up and closed its side. */
        SILENT
    }

    private static final int SOCKET_TIMEOUT_MS = 15_000;

    private final SSLContext tls;
    private final boolean implicitTls;
    private final ServerSocket serverSocket;
    private final Thread thread;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> history = new CopyOnWriteArrayList<>();
    private final List<String> authResponses = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private volatile boolean closed;
    private volatile boolean offerStartTls = true;
    private volatile String authMechanisms = "PLAIN";
    private volatile String authReply = "235 2.7.0 Authentication successful";
    private volatile String mailFromReply = "250 2.1.0 Sender OK";
    private volatile Quit quit = Quit.REPLY;
    private volatile Socket current;

    private MiniSmtpServer(SSLContext tls, boolean implicitTls) throws IOException {
        this.tls = tls;
        this.implicitTls = implicitTls;
        this.serverSocket = new ServerSocket();
        serverSocket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        this.thread = new Thread(this::acceptLoop, "mini-smtp-" + serverSocket.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    /** TLS from the first byte, like port 465. */
    static MiniSmtpServer smtps(SSLContext tls) throws IOException {
        return new MiniSmtpServer(tls, true);
    }

    /** Plain text only: offers no STARTTLS, and AUTH in plain text. */
    static MiniSmtpServer plain() throws IOException {
        return new MiniSmtpServer(null, false).offerStartTls(false);
    }

    /** Plain text until STARTTLS, like port 587. */
    static MiniSmtpServer startTls(SSLContext tls) throws IOException {
        return new MiniSmtpServer(tls, false);
    }

    /** Whether EHLO on the plain connection offers STARTTLS (default true); without, AUTH is offered in plain text. */
    MiniSmtpServer offerStartTls(boolean offer) {
        this.offerStartTls = offer;
        return this;
    }

    /** The mechanisms of the EHLO AUTH line (default "PLAIN"); null: no AUTH line. */
    MiniSmtpServer authMechanisms(String mechanisms) {
        this.authMechanisms = mechanisms;
        return this;
    }

    /** The final answer to AUTH (default 235), e.g. "535 5.7.3 Authentication unsuccessful". */
    MiniSmtpServer authReply(String reply) {
        this.authReply = reply;
        return this;
    }

    /** The answer to MAIL FROM (default 250), e.g. "550 5.7.60 SMTP; Client does not have permissions to send as this sender". */
    MiniSmtpServer mailFromReply(String reply) {
        this.mailFromReply = reply;
        return this;
    }

    /** What to do on QUIT (default {@link Quit#REPLY}). */
    MiniSmtpServer onQuit(Quit behaviour) {
        this.quit = behaviour;
        return this;
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    /** Connections accepted so far. */
    int connections() {
        return connections.get();
    }

    List<String> events() {
        return new ArrayList<>(history);
    }

    /** What clients sent in AUTH exchanges (initial responses and the lines after each 334), as sent. */
    List<String> authResponses() {
        return new ArrayList<>(authResponses);
    }

    /** Waits until the event happens (or has happened), at most {@code timeout}. */
    void awaitEvent(String event, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (history.contains(event)) {
            return;
        }
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            String next = events.poll(left, TimeUnit.NANOSECONDS);
            if (event.equals(next) || history.contains(event)) {
                return;
            }
        }
        throw new AssertionError("no " + event + " within " + timeout + "; events: " + history);
    }

    private void event(String event) {
        history.add(event);
        events.add(event);
    }

    private void acceptLoop() {
        while (!closed) {
            try (Socket socket = serverSocket.accept()) {
                current = socket;
                connections.incrementAndGet();
                event("CONNECT");
                socket.setSoTimeout(SOCKET_TIMEOUT_MS);
                converse(socket);
            } catch (IOException e) {
                if (!closed) {
                    event("ERROR " + e);
                }
            } finally {
                if (!closed) {
                    event("DISCONNECT");
                }
            }
        }
    }

    private void converse(Socket plain) throws IOException {
        Socket socket = plain;
        boolean secure = false;
        if (implicitTls) {
            socket = handshake(plain);
            if (socket == null) {
                return;
            }
            secure = true;
        }
        BufferedReader in = reader(socket);
        OutputStream out = socket.getOutputStream();
        reply(out, "220 localhost mini ESMTP");
        String line;
        while ((line = in.readLine()) != null) {
            String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
            event(verb);
            switch (verb) {
                case "EHLO":
                    reply(out, ehlo(secure));
                    break;
                case "STARTTLS":
                    if (secure) {
                        reply(out, "503 5.5.1 TLS already active");
                        break;
                    }
                    reply(out, "220 2.0.0 Ready to start TLS");
                    socket = handshake(plain);
                    if (socket == null) {
                        return;
                    }
                    secure = true;
                    in = reader(socket);
                    out = socket.getOutputStream();
                    break;
                case "AUTH":
                    auth(line, in, out);
                    break;
                case "MAIL":
                    reply(out, mailFromReply);
                    break;
                case "DATA":
                    reply(out, "354 End data with <CR><LF>.<CR><LF>");
                    while ((line = in.readLine()) != null && !".".equals(line)) {
                        // the content does not matter to these tests
                    }
                    event("MESSAGE");
                    reply(out, "250 2.0.0 Ok: queued");
                    break;
                case "QUIT":
                    quit(plain, in, out);
                    return;
                default:
                    reply(out, "250 2.0.0 Ok");
                    break;
            }
        }
    }

    /** Takes the responses of the mechanism (LOGIN: user name, then password), then answers {@link #authReply}. */
    private void auth(String line, BufferedReader in, OutputStream out) throws IOException {
        String[] words = line.trim().split(" +");
        boolean login = words.length > 1 && "LOGIN".equalsIgnoreCase(words[1]);
        if (words.length > 2) {
            authResponses.add(words[2]);
        } else {
            reply(out, login ? "334 VXNlcm5hbWU6" : "334 ");
            authResponses.add(in.readLine());
        }
        if (login) {
            reply(out, "334 UGFzc3dvcmQ6");
            authResponses.add(in.readLine());
        }
        reply(out, authReply);
    }

    private void quit(Socket plain, BufferedReader in, OutputStream out) throws IOException {
        switch (quit) {
            case RESET:
                plain.setSoLinger(true, 0); // close() then sends RST instead of FIN
                plain.close();
                break;
            case SILENT:
                while (in.readLine() != null) {
                    // until the client closes the connection
                }
                break;
            default:
                reply(out, "221 2.0.0 Bye");
                break;
        }
    }

    private String ehlo(boolean secure) {
        List<String> lines = new ArrayList<>();
        lines.add("localhost mini");
        if (!secure && offerStartTls) {
            lines.add("STARTTLS");
        } else if (authMechanisms != null) {
            lines.add("AUTH " + authMechanisms);
        }
        lines.add("SIZE 10485760");
        StringBuilder reply = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            reply.append(i == 0 ? "" : "\r\n").append(i == lines.size() - 1 ? "250 " : "250-").append(lines.get(i));
        }
        return reply.toString();
    }

    /** The server side of the TLS handshake on {@code plain}; null (event TLS-FAILED) when it fails. */
    private Socket handshake(Socket plain) throws IOException {
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, null, plain.getPort(), false);
        socket.setUseClientMode(false);
        try {
            socket.startHandshake();
        } catch (IOException e) {
            event("TLS-FAILED");
            return null;
        }
        event("TLS");
        return socket;
    }

    private static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        try {
            serverSocket.close();
            Socket socket = current;
            if (socket != null) {
                socket.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
        thread.join(TimeUnit.SECONDS.toMillis(20));
    }
}
