package dev.mailer.it.smtp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import dev.mailer.testsupport.pki.TestPki;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * A bare SMTP client for checking {@link TestSmtpServer}'s XOAUTH2 itself, independent of the
 * mailer: EHLO, STARTTLS (trusting the test CA), EHLO, {@code AUTH XOAUTH2}, the response after the
 * {@code 334}, and the empty line after an error challenge. Returns the server's replies.
 */
public final class Xoauth2Client {

    private Xoauth2Client() {
    }

    /** Logs in over STARTTLS with {@code context} (e.g. {@link TestPki#clientContext()}). */
    public static List<String> authenticate(int port, SSLContext context, String user, String token) throws IOException {
        List<String> replies = new ArrayList<>();
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port)) {
            plain.setSoTimeout(10_000);
            Conversation c = new Conversation(plain);
            c.read();
            c.command("EHLO it.example");
            c.command("STARTTLS");
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost", port, true);
            tls.setUseClientMode(true);
            tls.startHandshake();
            c = new Conversation(tls);
            c.command("EHLO it.example");
            String reply = c.command("AUTH XOAUTH2");
            replies.add(reply);
            if (reply.startsWith("334")) {
                reply = c.command(Base64.getEncoder().encodeToString(("user=" + user + "\u0001auth=Bearer " + token + "\u0001\u0001")
                        .getBytes(StandardCharsets.UTF_8)));
                replies.add(reply);
                if (reply.startsWith("334")) {
                    replies.add(c.command(""));
                }
            }
            c.command("QUIT");
        }
        return replies;
    }

    private static final class Conversation {
        private final BufferedReader in;
        private final OutputStream out;

        Conversation(Socket socket) throws IOException {
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            this.out = socket.getOutputStream();
        }

        /** The last line of a (multi-line) reply. */
        String read() throws IOException {
            String line;
            do {
                line = in.readLine();
                if (line == null) {
                    throw new IOException("the server closed the connection");
                }
            } while (line.length() > 3 && line.charAt(3) == '-');
            return line;
        }

        String command(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return read();
        }
    }
}
