package dev.mailer.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Baseline B, the floor of the protocol: one socket, logged in once (STARTTLS as configured, then
 * AUTH PLAIN or XOAUTH2), on which each message is only {@code MAIL}, {@code RCPT}, {@code DATA}
 * and the content, each answered before the next, as a client without PIPELINING does. The content
 * is rendered once, in advance. TCP_NODELAY on. Not thread-safe: one per thread.
 */
final class RawSmtp implements Closeable {

    private final Socket tcp;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    /**
     * @param tls upgrades with STARTTLS through this factory; null for none
     * @param authInitialResponse {@code PLAIN <base64>} or {@code XOAUTH2 <base64>}
     */
    RawSmtp(String host, int port, SSLSocketFactory tls, String authInitialResponse) throws IOException {
        tcp = new Socket();
        tcp.setTcpNoDelay(true);
        tcp.setSoTimeout(10_000);
        tcp.connect(new InetSocketAddress(host, port), 10_000);
        socket = tcp;
        streams();
        expect(220);
        command("EHLO bench.example.com", 250);
        if (tls != null) {
            command("STARTTLS", 220);
            SSLSocket ssl = (SSLSocket) tls.createSocket(tcp, host, port, true);
            ssl.startHandshake();
            socket = ssl;
            streams();
            command("EHLO bench.example.com", 250);
        }
        command("AUTH " + authInitialResponse, 235);
    }

    static String plain(String user, String password) {
        return "PLAIN " + base64("\0" + user + "\0" + password);
    }

    static String xoauth2(String user, String token) {
        return "XOAUTH2 " + base64("user=" + user + "\1auth=Bearer " + token + "\1\1");
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one message: {@code dotStuffed} is its content with CRLF lines, dot-stuffed, ending in CRLF. */
    void send(String from, String to, byte[] dotStuffed) throws IOException {
        command("MAIL FROM:<" + from + ">", 250);
        command("RCPT TO:<" + to + ">", 250);
        command("DATA", 354);
        out.write(dotStuffed);
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(250);
    }

    /** {@code content} as DATA carries it: CRLF line ends, a leading dot doubled, a CRLF at the end. */
    static byte[] dotStuffed(byte[] content) {
        String text = new String(content, StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(content.length + 1024);
        for (String line : text.split("\r?\n", -1)) {
            if (line.startsWith(".")) {
                bytes.write('.');
            }
            bytes.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1));
            bytes.write('\r');
            bytes.write('\n');
        }
        return bytes.toByteArray();
    }

    private void streams() throws IOException {
        in = new BufferedInputStream(socket.getInputStream());
        out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    }

    private void command(String line, int expected) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        expect(expected);
    }

    /** Reads a reply, all its lines; fails unless its code is {@code expected}. */
    private void expect(int expected) throws IOException {
        while (true) {
            String line = readLine();
            if (line.length() < 3) {
                throw new IOException("malformed reply: " + line);
            }
            if (line.length() == 3 || line.charAt(3) == ' ') {
                if (Integer.parseInt(line.substring(0, 3)) != expected) {
                    throw new IOException("expected " + expected + ", got: " + line);
                }
                return;
            }
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("connection closed by the server");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        try {
            command("QUIT", 221);
        } finally {
            socket.close();
        }
    }
}
