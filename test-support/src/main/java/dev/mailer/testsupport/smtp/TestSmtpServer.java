package dev.mailer.testsupport.smtp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import dev.mailer.testsupport.net.LoopbackServer;

/**
 * A small but real SMTP server (RFC 5321) for the tests, on 127.0.0.1 and a free port: what
 * GreenMail lacks, STARTTLS (RFC 3207), plus full control over what EHLO offers and a record of
 * everything the client did.
 * <ul>
 * <li>plain TCP with an optional STARTTLS upgrade, or TLS from the first byte ({@link Builder#implicitTls()});</li>
 * <li>EHLO advertises STARTTLS or not, and AUTH with the configured mechanisms (PLAIN, LOGIN, and
 * any added with {@link Builder#mechanism}), checked against one user and password; or only a
 * mechanism that checks credentials itself ({@link Builder#authenticateOnlyWith}, e.g.
 * {@link Xoauth2Mechanism});</li>
 * <li>HELO/EHLO, MAIL, RCPT, DATA (dot-unstuffing), RSET, NOOP, VRFY, QUIT;</li>
 * <li>a command line longer than {@link Builder#maxCommandLineLength} is refused with
 * {@code 500 5.5.6}, as line-limited servers do (SASL answers after a {@code 334} have their own
 * limit, {@link Builder#maxAuthResponseLength});</li>
 * <li>keeps each accepted message (envelope and raw bytes) and each command it saw, with the
 * connection it came on and whether TLS was active then. AUTH arguments and SASL answers are never
 * recorded.</li>
 * </ul>
 * Each connection runs on its own daemon thread; {@link #close()} stops everything.
 */
public final class TestSmtpServer implements Closeable {

    /** The limit of RFC 4954 for a line of the AUTH exchange; RFC 5321's is 512 for other commands. */
    public static final int DEFAULT_MAX_COMMAND_LINE = 12_288;
    private static final int MAX_DATA_LINE = 100_000;

    private final Builder config;
    private final LoopbackServer server;
    private final List<ReceivedMessage> messages = Collections.synchronizedList(new ArrayList<>());
    private final List<SmtpEvent> events = Collections.synchronizedList(new ArrayList<>());

    private TestSmtpServer(Builder config) throws IOException {
        this.config = config;
        this.server = new LoopbackServer("TestSmtpServer", config.port, 50);
        server.start((socket, id) -> new Connection(id, socket).run());
    }

    public static Builder builder() {
        return new Builder();
    }

    public int port() {
        return server.port();
    }

    /** Every message accepted so far, in order. */
    public List<ReceivedMessage> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /** Every command and connection event so far, in order. */
    public List<SmtpEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** The command verbs seen so far, e.g. {@code [EHLO, STARTTLS, EHLO, AUTH, MAIL, RCPT, DATA, QUIT]}. */
    public List<String> verbs() {
        List<String> verbs = new ArrayList<>();
        for (SmtpEvent e : events()) {
            if (e.isCommand()) {
                verbs.add(e.verb());
            }
        }
        return verbs;
    }

    /** Waits until {@code count} messages were accepted; fails after {@code timeout}. */
    public List<ReceivedMessage> awaitMessages(int count, Duration timeout) throws InterruptedException {
        await(() -> messages.size() >= count, timeout, count + " accepted message(s)");
        return messages();
    }

    /** Waits until an event matching {@code condition} was recorded; fails after {@code timeout}. */
    public SmtpEvent awaitEvent(Predicate<SmtpEvent> condition, Duration timeout, String description)
            throws InterruptedException {
        await(() -> events.stream().anyMatch(condition), timeout, description);
        synchronized (events) {
            return events.stream().filter(condition).findFirst().orElseThrow();
        }
    }

    private void await(BooleanSupplier condition, Duration timeout, String description) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("TestSmtpServer on port " + port() + " did not see " + description + " within "
                            + timeout.toMillis() + " ms; events: " + events);
                }
                events.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "TestSmtpServer[127.0.0.1:" + port() + (config.implicitTls ? ", implicit TLS" : "")
                + (config.offerStartTls ? ", STARTTLS" : "") + "]";
    }

    private void record(SmtpEvent event) {
        synchronized (events) {
            events.add(event);
            events.notifyAll();
        }
    }

    /** One client connection: the SMTP state machine. */
    private final class Connection {
        private final int id;
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private boolean tls;
        private String helo;
        private String user;
        private String mailFrom;
        private final List<String> recipients = new ArrayList<>();

        Connection(int id, Socket socket) {
            this.id = id;
            this.socket = socket;
        }

        void run() {
            try {
                socket.setSoTimeout((int) config.idleTimeout.toMillis());
                record(SmtpEvent.connection(id, false, "CONNECT"));
                if (config.implicitTls) {
                    if (!upgradeToTls()) {
                        return;
                    }
                } else {
                    streams();
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
            } catch (SocketException e) {
                // client went away or server closed
            } catch (IOException e) {
                record(SmtpEvent.connection(id, tls, "ERROR " + e));
            } finally {
                record(SmtpEvent.connection(id, tls, "DISCONNECT"));
                server.untrack(socket);
                try {
                    socket.close();
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
            SSLSocket ssl = (SSLSocket) config.tlsContext.getSocketFactory()
                    .createSocket(socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
            ssl.setUseClientMode(false);
            server.track(ssl);
            try {
                ssl.startHandshake();
            } catch (IOException e) {
                record(SmtpEvent.connection(id, false, "TLS-FAILED " + e.getMessage()));
                ssl.close();
                return false;
            }
            socket = ssl;
            tls = true;
            streams();
            record(SmtpEvent.connection(id, true, "TLS " + ssl.getSession().getProtocol()));
            return true;
        }

        /** Handles one command line; false to end the connection. */
        private boolean handle(String line) throws IOException {
            String verb = verbOf(line);
            String argument = line.length() > verb.length() ? line.substring(verb.length()).strip() : "";
            record(SmtpEvent.command(id, tls, verb, "AUTH".equals(verb) ? redactAuth(argument) : argument));
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
                    reply("221 2.0.0 " + config.hostName + " closing connection");
                    return false;
                default:
                    reply("500 5.5.1 Command unrecognized: " + verb);
                    return true;
            }
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
            for (int i = 0; i < lines.size(); i++) {
                reply("250" + (i == lines.size() - 1 ? " " : "-") + lines.get(i));
            }
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
                record(SmtpEvent.connection(id, tls, "AUTH-CANCELLED " + mechanism.name()));
                reply("501 5.7.0 Authentication cancelled");
                return;
            }
            user = result.user();
            record(SmtpEvent.connection(id, tls, (user != null ? "AUTH-OK " : "AUTH-FAILED ") + mechanism.name()));
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
            String refusal = config.refusedSenders.get(address.toLowerCase(java.util.Locale.ROOT));
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
            while (true) {
                byte[] line = readLine(MAX_DATA_LINE);
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
            int number;
            synchronized (messages) {
                messages.add(new ReceivedMessage(id, tls, user, mailFrom, List.copyOf(recipients), content.toByteArray()));
                number = messages.size();
            }
            record(SmtpEvent.connection(id, tls, "MESSAGE " + number));
            mailFrom = null;
            recipients.clear();
            reply("250 2.0.0 OK queued as " + number);
        }

        private void resetSession(String heloArgument) {
            helo = heloArgument;
            mailFrom = null;
            recipients.clear();
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
                    record(SmtpEvent.connection(id, tls, "LINE-TOO-LONG " + e.length));
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

    /** How the server behaves. */
    public static final class Builder {
        private int port;
        private String hostName = "localhost";
        private SSLContext tlsContext;
        private boolean implicitTls;
        private boolean offerStartTls;
        private String user;
        private String password;
        private boolean requireAuth = true;
        private boolean authRequiresTls;
        private int maxCommandLineLength = DEFAULT_MAX_COMMAND_LINE;
        private int maxAuthResponseLength = DEFAULT_MAX_COMMAND_LINE;
        private boolean mechanismChecksCredentials;
        private int maxMessageSize = 10 * 1024 * 1024;
        private Duration idleTimeout = Duration.ofSeconds(30);
        private final Map<String, AuthMechanism> mechanisms = new LinkedHashMap<>();
        private final Map<String, String> refusedSenders = new LinkedHashMap<>();

        private Builder() {
            mechanism(new PlainAndLogin.Plain());
            mechanism(new PlainAndLogin.Login());
        }

        /** The port to listen on; 0 (the default) for a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Offers STARTTLS in EHLO and upgrades with this server context. */
        public Builder startTls(SSLContext context) {
            this.tlsContext = context;
            this.offerStartTls = true;
            this.implicitTls = false;
            return this;
        }

        /** Offers no STARTTLS (and speaks no TLS): a server on the wrong port, or one a middlebox strips STARTTLS from. */
        public Builder withoutTls() {
            this.tlsContext = null;
            this.offerStartTls = false;
            this.implicitTls = false;
            return this;
        }

        /** Speaks TLS from the first byte (as on port 465) with this server context. */
        public Builder implicitTls(SSLContext context) {
            this.tlsContext = context;
            this.implicitTls = true;
            this.offerStartTls = false;
            return this;
        }

        /** Requires login as this user before MAIL, with the mechanisms configured (PLAIN and LOGIN by default). */
        public Builder credentials(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        /** Whether MAIL is refused with 530 before a successful AUTH (default true when credentials are set). */
        public Builder requireAuth(boolean requireAuth) {
            this.requireAuth = requireAuth;
            return this;
        }

        /** Whether AUTH is offered only once TLS is active (default false: offered in the clear too). */
        public Builder authRequiresTls(boolean authRequiresTls) {
            this.authRequiresTls = authRequiresTls;
            return this;
        }

        /** Adds or replaces a SASL mechanism (e.g. XOAUTH2); EHLO lists them in the order added. */
        public Builder mechanism(AuthMechanism mechanism) {
            mechanisms.put(mechanism.name().toUpperCase(Locale.ROOT), mechanism);
            return this;
        }

        /**
         * Requires login with this one mechanism, which checks the credentials itself (e.g. XOAUTH2
         * against an OAuth2 server) instead of against {@link #credentials}.
         */
        public Builder authenticateOnlyWith(AuthMechanism mechanism) {
            mechanisms.clear();
            mechanism(mechanism);
            this.mechanismChecksCredentials = true;
            return this;
        }

        /** Only these mechanisms, e.g. {@code "LOGIN"}, in this order. */
        public Builder onlyMechanisms(String... names) {
            Map<String, AuthMechanism> kept = new LinkedHashMap<>();
            for (String name : names) {
                AuthMechanism m = mechanisms.get(name.toUpperCase(Locale.ROOT));
                if (m == null) {
                    throw new IllegalArgumentException("no mechanism " + name + "; have " + mechanisms.keySet());
                }
                kept.put(name.toUpperCase(Locale.ROOT), m);
            }
            mechanisms.clear();
            mechanisms.putAll(kept);
            return this;
        }

        /**
         * Longest command line accepted, without CRLF; longer ones get {@code 500 5.5.6}. This covers
         * {@code AUTH <mechanism> <initial-response>}; SASL answers after a {@code 334} have their own
         * limit ({@link #maxAuthResponseLength}), as on servers that limit command lines to about 1000
         * octets but take long tokens in the two-step exchange.
         */
        public Builder maxCommandLineLength(int octets) {
            this.maxCommandLineLength = octets;
            return this;
        }

        /** Longest SASL answer line after a {@code 334}, without CRLF (default 12288, RFC 4954). */
        public Builder maxAuthResponseLength(int octets) {
            this.maxAuthResponseLength = octets;
            return this;
        }

        boolean authEnabled() {
            return user != null || mechanismChecksCredentials;
        }

        public Builder hostName(String hostName) {
            this.hostName = hostName;
            return this;
        }

        /**
         * Answers {@code MAIL FROM:<address>} with {@code reply} (e.g. Exchange Online's
         * {@code 550 5.7.60 SMTP; Client does not have permissions to send as this sender}).
         */
        public Builder refuseSender(String address, String reply) {
            refusedSenders.put(address.toLowerCase(java.util.Locale.ROOT), reply);
            return this;
        }

        /** Closes a connection that sent nothing for this long. */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        public TestSmtpServer start() throws IOException {
            if (user != null && (password == null || mechanisms.isEmpty())) {
                throw new IllegalStateException("credentials need a password and at least one mechanism");
            }
            return new TestSmtpServer(this);
        }
    }

    /** A message the server accepted: its envelope and its content as received (dot-unstuffed, CRLF lines). */
    public static final class ReceivedMessage {
        private final int connection;
        private final boolean tls;
        private final String authenticatedUser;
        private final String mailFrom;
        private final List<String> recipients;
        private final byte[] data;

        ReceivedMessage(int connection, boolean tls, String authenticatedUser, String mailFrom, List<String> recipients, byte[] data) {
            this.connection = connection;
            this.tls = tls;
            this.authenticatedUser = authenticatedUser;
            this.mailFrom = mailFrom;
            this.recipients = recipients;
            this.data = data;
        }

        public int connection() {
            return connection;
        }

        /** Whether the message came over TLS (STARTTLS or implicit). */
        public boolean tls() {
            return tls;
        }

        /** Who logged in on the connection, or null. */
        public String authenticatedUser() {
            return authenticatedUser;
        }

        /** The MAIL FROM address (without angle brackets). */
        public String mailFrom() {
            return mailFrom;
        }

        /** The RCPT TO addresses, in order. */
        public List<String> recipients() {
            return recipients;
        }

        public byte[] data() {
            return data.clone();
        }

        @Override
        public String toString() {
            return "ReceivedMessage[conn " + connection + (tls ? ", tls" : "") + ", from " + mailFrom + ", to " + recipients
                    + ", " + data.length + " bytes]";
        }
    }

    /** A command the server received, or something that happened to a connection. */
    public static final class SmtpEvent {
        private final int connection;
        private final boolean tls;
        private final String verb;
        private final String argument;
        private final boolean command;

        private SmtpEvent(int connection, boolean tls, String verb, String argument, boolean command) {
            this.connection = connection;
            this.tls = tls;
            this.verb = verb;
            this.argument = argument;
            this.command = command;
        }

        static SmtpEvent command(int connection, boolean tls, String verb, String argument) {
            return new SmtpEvent(connection, tls, verb, argument, true);
        }

        static SmtpEvent connection(int connection, boolean tls, String what) {
            String[] parts = what.split(" ", 2);
            return new SmtpEvent(connection, tls, parts[0], parts.length > 1 ? parts[1] : "", false);
        }

        public int connection() {
            return connection;
        }

        /** Whether TLS was active when this happened. */
        public boolean tls() {
            return tls;
        }

        /** The command verb (EHLO, AUTH, ...) or the event (CONNECT, TLS, TLS-FAILED, AUTH-OK, AUTH-FAILED, MESSAGE, DISCONNECT, ...). */
        public String verb() {
            return verb;
        }

        /** The command's argument (AUTH: only the mechanism) or the event's detail. */
        public String argument() {
            return argument;
        }

        /** True for a command the client sent, false for a connection event. */
        public boolean isCommand() {
            return command;
        }

        @Override
        public String toString() {
            return "#" + connection + (tls ? " tls " : " ") + (command ? "> " : "* ") + verb + (argument.isEmpty() ? "" : " " + argument);
        }
    }
}
