package dev.mailer.testsupport.smtp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.SSLSocket;

import dev.mailer.testsupport.smtp.TestSmtpServer.ReceivedMessage;
import dev.mailer.testsupport.smtp.TestSmtpServer.SmtpEvent;

/**
 * One client connection of {@link TestSmtpServer}: the SMTP state machine (RFC 5321, STARTTLS of RFC 3207,
 * AUTH of RFC 4954) on its own thread. Reports what happens to the server, which keeps the record.
 */
final class SmtpSession {

    private static final int MAX_DATA_LINE = 100_000;

    private final TestSmtpServer server;
    private final TestSmtpServer.Builder config;
    private final int id;
    /** The accepted TCP connection; {@link #socket} is the TLS socket over it once TLS is active. */
    private final Socket tcp;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean tls;
    private String helo;
    private String user;
    /** When the credential the client logged in with expires (an access token); null when it does not. */
    private Instant authValidUntil;
    private String mailFrom;
    private final List<String> recipients = new ArrayList<>();

    SmtpSession(TestSmtpServer server, TestSmtpServer.Builder config, int id, Socket socket) {
        this.server = server;
        this.config = config;
        this.id = id;
        this.tcp = socket;
        this.socket = socket;
    }

    /** Counted in {@link TestSmtpServer#maxConcurrentConnections()}; only this session's thread touches it. */
    private boolean open;

    void run() {
        try {
            socket.setSoTimeout((int) config.idleTimeout.toMillis());
            // each reply is one write: with Nagle on, a reply after a reply waits for the client's delayed ACK
            socket.setTcpNoDelay(true);
            server.connectionOpened();
            open = true;
            server.record(SmtpEvent.connection(id, false, "CONNECT"));
            if (config.implicitTls) {
                if (!upgradeToTls()) {
                    return;
                }
            } else {
                streams();
            }
            if (scripted("CONNECT")) {
                return;
            }
            reply("220 " + config.hostName + " ESMTP TestSmtpServer ready");
            while (!socket.isClosed()) {
                String line = readCommandLine(config.maxCommandLineLength);
                if (line == null) {
                    break;
                }
                if (!handle(line)) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            // the client sent nothing for idleTimeout: dropped without a word, as many servers and middleboxes do
            server.record(SmtpEvent.connection(id, tls, "IDLE-TIMEOUT"));
        } catch (SocketException e) {
            // client went away or server closed
        } catch (IOException e) {
            server.record(SmtpEvent.connection(id, tls, "ERROR " + e));
        } finally {
            leave();
            server.record(SmtpEvent.connection(id, tls, "DISCONNECT"));
            server.loopback().untrack(socket);
            try {
                socket.close();
                // with client authentication closing TLS leaves the TCP socket open
                tcp.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private void streams() throws IOException {
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Wraps the socket in TLS (server mode) and handshakes; records the outcome. */
    private boolean upgradeToTls() throws IOException {
        // with client authentication the TCP socket outlives a failed handshake (see lingeringClose)
        boolean linger = config.needClientAuth;
        SSLSocket ssl = (SSLSocket) config.tlsContext.getSocketFactory()
                .createSocket(socket, socket.getInetAddress().getHostAddress(), socket.getPort(), !linger);
        ssl.setUseClientMode(false);
        ssl.setNeedClientAuth(config.needClientAuth);
        server.loopback().track(ssl);
        try {
            ssl.startHandshake();
        } catch (IOException e) {
            server.record(SmtpEvent.connection(id, false, "TLS-FAILED " + e.getMessage()));
            ssl.close();
            if (linger) {
                lingeringClose(socket);
            }
            return false;
        }
        socket = ssl;
        tls = true;
        streams();
        server.record(SmtpEvent.connection(id, true, "TLS " + ssl.getSession().getProtocol()
                + (config.needClientAuth ? " client " + ssl.getSession().getPeerPrincipal().getName() : "")));
        return true;
    }

    /**
     * Reads what the client still sends until it closes (at most 5 s), then closes: closing with
     * unread data in the buffer sends RST, and a client that is still finishing its handshake would
     * then lose the alert that says why (its certificate) to a "broken pipe".
     */
    private static void lingeringClose(Socket tcp) {
        try {
            tcp.setSoTimeout(5_000);
            byte[] buffer = new byte[4096];
            while (tcp.getInputStream().read(buffer) >= 0) {
                // discard
            }
        } catch (IOException e) {
            // closed or timed out: close anyway
        } finally {
            try {
                tcp.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** Handles one command line; false to end the connection. */
    private boolean handle(String line) throws IOException {
        String verb = verbOf(line);
        String argument = line.length() > verb.length() ? line.substring(verb.length()).strip() : "";
        server.record(SmtpEvent.command(id, tls, verb, "AUTH".equals(verb) ? redactAuth(argument) : argument));
        if (authExpired(verb)) {
            return true;
        }
        switch (verb) {
            case "EHLO":
                return ehlo(argument);
            case "HELO":
                resetSession(argument);
                reply("250 " + config.hostName);
                return true;
            case "STARTTLS":
                return startTls();
            case "AUTH":
                auth(argument);
                return true;
            case "MAIL":
                if (scripted("MAIL")) {
                    return !socket.isClosed();
                }
                mail(argument);
                return true;
            case "RCPT":
                rcpt(argument);
                return true;
            case "DATA":
                data();
                return true;
            case "RSET":
                mailFrom = null;
                recipients.clear();
                reply("250 2.0.0 OK");
                return true;
            case "NOOP":
                reply("250 2.0.0 OK");
                return true;
            case "VRFY":
                reply("252 2.5.2 Cannot VRFY user, but will accept message and attempt delivery");
                return true;
            case "QUIT":
                quit();
                return false;
            default:
                reply("500 5.5.1 Command unrecognized: " + verb);
                return true;
        }
    }

    /** Refuses a command of a mail transaction once the token of this session has expired; true if it did. */
    private boolean authExpired(String verb) throws IOException {
        if (authValidUntil == null || !List.of("MAIL", "RCPT", "DATA").contains(verb)
                || config.clock.instant().isBefore(authValidUntil)) {
            return false;
        }
        server.record(SmtpEvent.connection(id, tls, "AUTH-EXPIRED " + verb));
        reply(ExpiringTokenXoauth2.EXPIRED_REPLY);
        return true;
    }

    private boolean ehlo(String argument) throws IOException {
        if (argument.isEmpty()) {
            reply("501 5.5.4 EHLO needs a domain or address literal");
            return true;
        }
        resetSession(argument);
        List<String> lines = new ArrayList<>();
        lines.add(config.hostName + " greets " + argument);
        lines.add("SIZE " + config.maxMessageSize);
        lines.add("8BITMIME");
        lines.add("ENHANCEDSTATUSCODES");
        if (startTlsOffered()) {
            lines.add("STARTTLS");
        }
        if (authOffered()) {
            lines.add("AUTH " + String.join(" ", config.mechanisms.keySet()));
        }
        StringBuilder reply = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            reply.append(i == 0 ? "" : "\r\n").append("250").append(i == lines.size() - 1 ? " " : "-").append(lines.get(i));
        }
        reply(reply.toString()); // one write for all lines, as a real server's one segment
        return true;
    }

    private boolean startTlsOffered() {
        return config.offerStartTls && !tls && config.tlsContext != null;
    }

    private boolean authOffered() {
        return config.authEnabled() && !config.mechanisms.isEmpty() && (tls || !config.authRequiresTls);
    }

    private boolean startTls() throws IOException {
        if (tls) {
            reply("503 5.5.1 TLS already active");
            return true;
        }
        if (!startTlsOffered()) {
            reply("502 5.5.1 STARTTLS not supported");
            return true;
        }
        reply("220 2.0.0 Ready to start TLS");
        if (!upgradeToTls()) {
            return false;
        }
        // RFC 3207: forget everything learned before the upgrade
        helo = null;
        user = null;
        authValidUntil = null;
        mailFrom = null;
        recipients.clear();
        return true;
    }

    private void auth(String argument) throws IOException {
        if (helo == null) {
            reply("503 5.5.1 EHLO first");
            return;
        }
        if (!authOffered()) {
            reply("503 5.5.1 AUTH not available" + (config.authEnabled() && !tls ? " without TLS" : ""));
            return;
        }
        if (user != null) {
            reply("503 5.5.1 Already authenticated");
            return;
        }
        String[] parts = argument.split(" ", 2);
        AuthMechanism mechanism = config.mechanisms.get(parts[0].toUpperCase(Locale.ROOT));
        if (mechanism == null) {
            reply("504 5.5.4 Unrecognized authentication type " + parts[0]);
            return;
        }
        String initial = parts.length > 1 ? parts[1].strip() : null;
        if ("=".equals(initial)) {
            initial = ""; // RFC 4954: an empty initial response
        }
        AuthMechanism.Result result;
        try {
            result = mechanism.authenticate(initial, new AuthMechanism.Exchange() {
                @Override
                public String challenge(String base64Challenge) throws IOException {
                    reply("334 " + base64Challenge);
                    String answer = readCommandLine(config.maxAuthResponseLength);
                    if (answer == null) {
                        throw new SocketException("client closed the connection during AUTH");
                    }
                    if ("*".equals(answer.strip())) {
                        throw new AuthMechanism.CancelledException();
                    }
                    return answer;
                }

                @Override
                public String expectedUser() {
                    return config.user;
                }

                @Override
                public String expectedPassword() {
                    return config.password;
                }
            });
        } catch (AuthMechanism.CancelledException e) {
            server.record(SmtpEvent.connection(id, tls, "AUTH-CANCELLED " + mechanism.name()));
            reply("501 5.7.0 Authentication cancelled");
            return;
        }
        user = result.user();
        authValidUntil = user == null ? null : result.validUntil();
        server.record(SmtpEvent.connection(id, tls, (user != null ? "AUTH-OK " : "AUTH-FAILED ") + mechanism.name()));
        reply(result.reply());
    }

    private void mail(String argument) throws IOException {
        if (helo == null) {
            reply("503 5.5.1 EHLO or HELO first");
            return;
        }
        if (config.authEnabled() && config.requireAuth && user == null) {
            reply("530 5.7.0 Authentication required");
            return;
        }
        if (mailFrom != null) {
            reply("503 5.5.1 Sender already specified");
            return;
        }
        String address = pathOf(argument, "FROM:");
        if (address == null) {
            reply("501 5.5.4 Syntax: MAIL FROM:<address>");
            return;
        }
        String refusal = config.refusedSenders.get(address.toLowerCase(Locale.ROOT));
        if (refusal != null) {
            reply(refusal);
            return;
        }
        mailFrom = address;
        recipients.clear();
        reply("250 2.1.0 Sender OK");
    }

    private void rcpt(String argument) throws IOException {
        if (mailFrom == null) {
            reply("503 5.5.1 MAIL first");
            return;
        }
        String address = pathOf(argument, "TO:");
        if (address == null || address.isEmpty()) {
            reply("501 5.5.4 Syntax: RCPT TO:<address>");
            return;
        }
        String scripted = server.scriptedReply("RCPT " + address.toLowerCase(Locale.ROOT));
        if (scripted != null) {
            answerScripted("RCPT", scripted);
            return;
        }
        String refusal = config.refusedRecipients.get(address.toLowerCase(Locale.ROOT));
        if (refusal != null) {
            reply(refusal);
            return;
        }
        recipients.add(address);
        reply("250 2.1.5 Recipient OK");
    }

    private void data() throws IOException {
        if (mailFrom == null || recipients.isEmpty()) {
            reply("503 5.5.1 RCPT first");
            return;
        }
        reply("354 Start mail input; end with <CRLF>.<CRLF>");
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        boolean cutOff = server.takeCloseDuringData();
        while (true) {
            byte[] line = readLine(MAX_DATA_LINE);
            if (cutOff && line != null) {
                server.record(SmtpEvent.connection(id, tls, "CLOSED-IN-DATA"));
                socket.close();
                throw new SocketException("closed during DATA as told");
            }
            if (line == null) {
                throw new SocketException("client closed the connection during DATA");
            }
            if (line.length == 1 && line[0] == '.') {
                break;
            }
            // RFC 5321 4.5.2: a leading dot was doubled by the client
            int from = line.length > 0 && line[0] == '.' ? 1 : 0;
            content.write(line, from, line.length - from);
            content.write('\r');
            content.write('\n');
        }
        server.holdIfTold(id, tls);
        String scripted = server.scriptedReply("MESSAGE");
        if (scripted != null) {
            mailFrom = null;
            recipients.clear();
            answerScripted("MESSAGE", scripted);
            return;
        }
        int number = server.accept(new ReceivedMessage(id, tls, user, mailFrom, List.copyOf(recipients),
                content.toByteArray()));
        server.record(SmtpEvent.connection(id, tls, "MESSAGE " + number));
        mailFrom = null;
        recipients.clear();
        reply("250 2.0.0 OK queued as " + number);
    }

    /** Answers a scripted reply for {@code step} if there is one (closing after a 421); true if it did. */
    private boolean scripted(String step) throws IOException {
        String reply = server.scriptedReply(step);
        if (reply == null) {
            return false;
        }
        answerScripted(step, reply);
        return true;
    }

    private void answerScripted(String step, String reply) throws IOException {
        server.record(SmtpEvent.connection(id, tls, "SCRIPTED " + step + " " + reply));
        reply(reply);
        if (reply.startsWith("421")) {
            socket.close();
        }
    }

    private void resetSession(String heloArgument) {
        helo = heloArgument;
        mailFrom = null;
        recipients.clear();
    }

    /** Answers QUIT as {@link TestSmtpServer.Builder#onQuit} says. */
    private void quit() throws IOException {
        switch (config.quit) {
            case RESET:
                tcp.setSoLinger(true, 0); // close() then sends RST instead of FIN
                tcp.close();
                break;
            case SILENT:
                while (readLine(MAX_DATA_LINE) != null) {
                    // no answer: the client gives up after its read timeout and closes
                }
                break;
            default:
                // no longer open for the count of connections at once: a client may connect again as soon as it reads 221,
                // before this thread gets to close the socket
                leave();
                reply("221 2.0.0 " + config.hostName + " closing connection");
                break;
        }
    }

    /** Ends this connection's part in {@link TestSmtpServer#maxConcurrentConnections()}, once. */
    private void leave() {
        if (open) {
            open = false;
            server.connectionClosed();
        }
    }

    private void reply(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** A command line, or null at end of stream; over-long lines are answered and skipped. */
    private String readCommandLine(int limit) throws IOException {
        while (true) {
            byte[] line;
            try {
                line = readLine(limit);
            } catch (LineTooLongException e) {
                server.record(SmtpEvent.connection(id, tls, "LINE-TOO-LONG " + e.length));
                reply("500 5.5.6 Line too long (limit " + limit + " octets)");
                continue;
            }
            return line == null ? null : new String(line, StandardCharsets.UTF_8);
        }
    }

    /** One line without its CRLF (a bare LF ends a line too), or null at end of stream. */
    private byte[] readLine(int limit) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int length = 0;
        boolean tooLong = false;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return length == 0 && !tooLong ? null : line.toByteArray();
            }
            if (b == '\n') {
                break;
            }
            length++;
            if (length > limit + 1) { // +1: the CR
                tooLong = true;
            } else {
                line.write(b);
            }
        }
        if (tooLong) {
            throw new LineTooLongException(length + 1);
        }
        byte[] bytes = line.toByteArray();
        if (bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
            byte[] trimmed = new byte[bytes.length - 1];
            System.arraycopy(bytes, 0, trimmed, 0, trimmed.length);
            return trimmed;
        }
        return bytes;
    }

    private static final class LineTooLongException extends IOException {
        private static final long serialVersionUID = 1L;
        final int length;

        LineTooLongException(int length) {
            super("line of " + length + " octets");
            this.length = length;
        }
    }

    static String verbOf(String line) {
        int space = line.indexOf(' ');
        return (space < 0 ? line : line.substring(0, space)).strip().toUpperCase(Locale.ROOT);
    }

    /** Keeps the mechanism name only: initial responses carry credentials. */
    static String redactAuth(String argument) {
        String[] parts = argument.split(" ", 2);
        return parts.length > 1 ? parts[0] + " <redacted>" : parts[0];
    }

    /** The address in {@code FROM:<a@b> SIZE=1} or {@code TO:<a@b>}; null when malformed. */
    static String pathOf(String argument, String keyword) {
        if (!argument.toUpperCase(Locale.ROOT).startsWith(keyword)) {
            return null;
        }
        String rest = argument.substring(keyword.length()).strip();
        if (!rest.startsWith("<")) {
            return null;
        }
        int end = rest.indexOf('>');
        return end < 0 ? null : rest.substring(1, end);
    }
}
