package dev.mailer.testsupport.smtp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A client that speaks SMTP line by line, for tests of servers that must refuse something a real
 * client library would not even try (AUTH before STARTTLS, a MAIL from a refused network): each
 * {@link #command} returns the server's whole reply, multi-line replies joined by line breaks.
 * Connects to loopback only; every read has a deadline.
 */
public final class SmtpDialogue implements AutoCloseable {

    private static final int READ_TIMEOUT_MS = 10_000;

    private Socket socket;
    private BufferedReader in;
    private OutputStream out;
    private final String greeting;

    /** Connects to {@code port} on 127.0.0.1 and reads the greeting. */
    public SmtpDialogue(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        streams();
        greeting = reply();
    }

    /** The server's first reply, e.g. {@code 220 host ESMTP} or a refusal. */
    public String greeting() {
        return greeting;
    }

    /** Sends one command line and returns the reply. */
    public String command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return reply();
    }

    /** {@code STARTTLS}, then the TLS handshake with {@code client} (it must trust the server); returns the STARTTLS reply. */
    public String startTls(SSLContext client) throws IOException {
        String reply = command("STARTTLS");
        if (reply.startsWith("220")) {
            SSLSocket tls = (SSLSocket) client.getSocketFactory().createSocket(socket, "localhost", socket.getPort(), true);
            tls.startHandshake();
            socket = tls;
            streams();
        }
        return reply;
    }

    /** {@code DATA}, the message (lines ending LF or CRLF, dot-stuffed here) and the final dot; returns the reply to the message. */
    public String data(String message) throws IOException {
        String go = command("DATA");
        if (!go.startsWith("354")) {
            return go;
        }
        StringBuilder stuffed = new StringBuilder();
        String text = message.replaceFirst("\r?\n$", "");
        for (String line : text.split("\r?\n", -1)) {
            stuffed.append(line.startsWith(".") ? "." + line : line).append("\r\n");
        }
        return command(stuffed + ".");
    }

    private void streams() throws IOException {
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    private String reply() throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                lines.add("(connection closed)");
                break;
            }
            lines.add(line);
        } while (line.length() > 3 && line.charAt(3) == '-');
        return String.join("\n", lines);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
