package dev.mailer.core.impl;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.commons.text.Printable;

/**
 * A bare SMTP client for the connection check: TCP connect, greeting, EHLO, STARTTLS and the TLS
 * handshake one at a time, so that each can be reported on its own. It never authenticates and
 * never sends mail (that is Angus's job, in {@link SmtpSender}). With {@code debug.email=true} its
 * dialogue goes to the same logger as sending's, through {@link RedactingDebugLog}. One connection;
 * not thread-safe (each check run has its own).
 */
final class SmtpProbe implements Closeable {

    private static final Logger TRACE = LoggerFactory.getLogger("dev.mailer.core.smtp");

    /** RFC 5321 allows 512 octets per reply line; generous, but a bound against a peer that is not SMTP. */
    private static final int MAX_LINE = 4096;
    private static final int MAX_LINES = 200;

    /** A server reply: its code and its lines as received (e.g. {@code 250-SIZE 35882577}). Immutable. */
    static final class Reply {
        final int code;
        final List<String> lines;

        Reply(int code, List<String> lines) {
            this.code = code;
            this.lines = List.copyOf(lines);
        }

        /** The lines without code and separator, e.g. {@code SIZE 35882577}. */
        List<String> texts() {
            List<String> texts = new ArrayList<>(lines.size());
            for (String line : lines) {
                texts.add(line.length() > 4 ? line.substring(4).strip() : "");
            }
            return texts;
        }

        @Override
        public String toString() {
            return String.join(" ", lines);
        }
    }

    /** The peer answered something that is not an SMTP reply. */
    static final class NotSmtpException extends IOException {
        private static final long serialVersionUID = 1L;

        NotSmtpException(String message) {
            super(message);
        }
    }

    private final SmtpSettings settings;
    private final RedactingDebugLog trace;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean secure;

    SmtpProbe(SmtpSettings settings) {
        this.settings = settings;
        this.trace = settings.debug
                ? new RedactingDebugLog(TRACE, "[" + settings.server() + " check]", settings.password, settings.truststorePassword, settings.keystorePassword)
                : null;
    }

    /** TCP to {@code address} at smtp.port within smtp.timeout.connect; replies are awaited smtp.timeout.read. */
    void connect(InetAddress address) throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(address, settings.port), settings.connectTimeoutMs);
            plain.setSoTimeout(settings.readTimeoutMs);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
        use(plain);
        log("connected to " + address.getHostAddress() + ":" + settings.port);
    }

    /**
     * TLS on the connection, now: at once for smtps, after {@code 220} to STARTTLS otherwise. The
     * server's name is checked against smtp.tls.servername (default smtp.host) inside the handshake with the rules Angus uses
     * (endpoint identification LDAPS). Anything the server sent before is discarded.
     */
    SSLSession handshake(SSLSocketFactory factory) throws IOException {
        SSLSocket tls = (SSLSocket) factory.createSocket(socket, settings.tlsServerName, settings.port, true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("LDAPS");
        tls.setSSLParameters(parameters);
        tls.setSoTimeout(settings.readTimeoutMs);
        tls.startHandshake();
        use(tls);
        secure = true;
        SSLSession session = tls.getSession();
        log("TLS: " + session.getProtocol() + " " + session.getCipherSuite());
        return session;
    }

    boolean isSecure() {
        return secure;
    }

    /** The name this client gives in EHLO: this host's name, as Angus gives it, else its address literal. */
    String ehloName() {
        try {
            String name = InetAddress.getLocalHost().getCanonicalHostName();
            if (name != null && !name.isBlank()) {
                return name;
            }
        } catch (UnknownHostException | SecurityException e) {
            // fall back to the address of this end of the connection
        }
        InetAddress local = socket.getLocalAddress();
        return local instanceof Inet6Address ? "[IPv6:" + local.getHostAddress() + "]" : "[" + local.getHostAddress() + "]";
    }

    /** Sends one command line and reads the reply. */
    Reply command(String line) throws IOException {
        log(line);
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return read();
    }

    /** Reads one (possibly multi-line) reply. */
    Reply read() throws IOException {
        List<String> lines = new ArrayList<>();
        while (lines.size() < MAX_LINES) {
            String line = readLine();
            log(line);
            if (line.length() < 3 || !isCode(line) || line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-') {
                throw new NotSmtpException("not an SMTP reply: '" + Printable.of(line) + "'");
            }
            lines.add(line);
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new Reply(Integer.parseInt(line.substring(0, 3)), lines);
            }
        }
        throw new NotSmtpException("a reply of more than " + MAX_LINES + " lines");
    }

    /** QUIT, and whatever the answer, the end of the connection. */
    void quit() {
        try {
            command("QUIT");
        } catch (IOException e) {
            // the check is done with this connection either way
        }
        close();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        if (trace != null) {
            trace.close();
        }
    }

    private void use(Socket s) throws IOException {
        socket = s;
        in = new BufferedInputStream(s.getInputStream());
        out = s.getOutputStream();
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) != '\n') {
            if (b == -1) {
                throw new SocketException("the server closed the connection"
                        + (line.size() == 0 ? "" : " after '" + Printable.of(line.toString(StandardCharsets.ISO_8859_1)) + "'"));
            }
            if (line.size() >= MAX_LINE) {
                throw new NotSmtpException("a reply line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static boolean isCode(String line) {
        return Character.isDigit(line.charAt(0)) && Character.isDigit(line.charAt(1)) && Character.isDigit(line.charAt(2));
    }

    /** At most 80 characters, control characters as '?': what a non-SMTP peer sent, fit for a message. */
    private void log(String line) {
        if (trace != null) {
            for (byte b : (line + "\n").getBytes(StandardCharsets.UTF_8)) {
                trace.write(b);
            }
        }
    }
}
