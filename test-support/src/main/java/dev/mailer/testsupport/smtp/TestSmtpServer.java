package dev.mailer.testsupport.smtp;

import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import javax.net.ssl.SSLContext;

import dev.mailer.testsupport.net.LoopbackServer;

/**
 * A small but real SMTP server (RFC 5321) for the tests, on 127.0.0.1 and a free port: what
 * GreenMail lacks, STARTTLS (RFC 3207), plus full control over what EHLO offers and a record of
 * everything the client did.
 * <ul>
 * <li>plain TCP with an optional STARTTLS upgrade, or TLS from the first byte ({@link Builder#implicitTls});</li>
 * <li>EHLO advertises STARTTLS or not, and AUTH with the configured mechanisms (PLAIN, LOGIN, and
 * any added with {@link Builder#mechanism}, e.g. {@link FixedTokenXoauth2}), checked against one user and
 * password; or only a mechanism that decides itself ({@link Builder#authenticateOnlyWith}, e.g. an XOAUTH2
 * that asks an OAuth2 server, or {@link RefusingMechanism} for a server's refusal);</li>
 * <li>HELO/EHLO, MAIL, RCPT, DATA (dot-unstuffing), RSET, NOOP, VRFY, QUIT; a sender or a recipient can be
 * refused ({@link Builder#refuseSender}, {@link Builder#refuseRecipient}), and QUIT answered, reset or ignored
 * ({@link Builder#onQuit}); while it runs, the next few greetings, MAIL commands or messages can be answered
 * with a scripted reply ({@link #answerNext}, a {@code 421} also closes the connection), and the next few
 * DATA transfers cut off in the middle ({@link #closeDuringNextData});</li>
 * <li>tracks how many connections are open ({@link #openConnections()}) and were open at once
 * ({@link #maxConcurrentConnections()}); drops a connection idle for {@link Builder#idleTimeout} without a word
 * ({@code IDLE-TIMEOUT}), or all of them at once ({@link #dropConnections}); can hold the next messages before
 * its reply ({@link #holdNextMessages});</li>
 * <li>refuses the commands of a session whose login expired ({@link AuthMechanism.Result#success(String, java.time.Instant)},
 * e.g. {@link ExpiringTokenXoauth2}), recording {@code AUTH-EXPIRED};</li>
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

    private final Builder config;
    private final LoopbackServer server;
    private final List<ReceivedMessage> messages = Collections.synchronizedList(new ArrayList<>());
    private final List<SmtpEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, ConcurrentLinkedDeque<String>> scripted = new ConcurrentHashMap<>();
    private final AtomicInteger closeDuringData = new AtomicInteger();
    private final ConcurrentLinkedDeque<CountDownLatch> holds = new ConcurrentLinkedDeque<>();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicInteger maxOpenConnections = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();

    private TestSmtpServer(Builder config) throws IOException {
        this.config = config;
        this.server = new LoopbackServer("TestSmtpServer", config.port, 50);
        server.start((socket, id) -> new SmtpSession(this, config, id, socket).run());
    }

    public static Builder builder() {
        return new Builder();
    }

    public int port() {
        return server.port();
    }

    /**
     * Answers the next {@code count} occurrences of {@code step} with {@code reply} instead of going on:
     * {@code CONNECT} (the greeting), {@code MAIL}, {@code RCPT address} (that recipient), or
     * {@code MESSAGE} (the end of DATA: the message is not kept). A {@code 421} reply also closes the
     * connection, as a server shutting down does.
     */
    public void answerNext(String step, int count, String reply) {
        ConcurrentLinkedDeque<String> replies = scripted.computeIfAbsent(step, s -> new ConcurrentLinkedDeque<>());
        for (int i = 0; i < count; i++) {
            replies.add(reply);
        }
    }

    /** The scripted reply for this occurrence of {@code step}, or null to go on as usual. */
    String scriptedReply(String step) {
        ConcurrentLinkedDeque<String> replies = scripted.get(step);
        return replies == null ? null : replies.poll();
    }

    /** Closes the connection in the middle of the next {@code count} DATA transfers (after the first line). */
    public void closeDuringNextData(int count) {
        closeDuringData.addAndGet(count);
    }

    boolean takeCloseDuringData() {
        return closeDuringData.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    /**
     * Holds each of the next {@code count} messages, once its data is in, before the server decides on
     * it and replies ({@code HELD} in the events), until {@code release} is counted down (at most a minute).
     */
    public void holdNextMessages(int count, CountDownLatch release) {
        for (int i = 0; i < count; i++) {
            holds.add(release);
        }
    }

    /** Waits for the release of this message if it is to be held. */
    void holdIfTold(int connection, boolean tls) throws IOException {
        CountDownLatch release = holds.poll();
        if (release == null) {
            return;
        }
        record(SmtpEvent.connection(connection, tls, "HELD"));
        try {
            release.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while holding a message", e);
        }
    }

    /**
     * Closes every open connection now without a word, as a restarting server or a middlebox that
     * lost its state does; new connections are accepted as before.
     */
    public void dropConnections() {
        server.closeConnections();
    }

    /** How many connections are open now. */
    public int openConnections() {
        return openConnections.get();
    }

    /** Waits until exactly {@code count} connections are open; fails after {@code timeout}. */
    public void awaitOpenConnections(int count, Duration timeout) throws InterruptedException {
        await(() -> openConnections.get() == count, timeout, count + " open connection(s)");
    }

    /** The most connections that were open at the same time so far. */
    public int maxConcurrentConnections() {
        return maxOpenConnections.get();
    }

    void connectionOpened() {
        maxOpenConnections.accumulateAndGet(openConnections.incrementAndGet(), Math::max);
    }

    void connectionClosed() {
        openConnections.decrementAndGet();
        synchronized (events) {
            events.notifyAll();
        }
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

    /** How many events (commands or connection events) had this verb, e.g. {@code CONNECT}, {@code AUTH} or {@code MESSAGE}. */
    public long count(String verb) {
        return events().stream().filter(e -> e.verb().equals(verb)).count();
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

    /** Waits until an event with this verb (e.g. {@code DISCONNECT}) was recorded; fails after {@code timeout}. */
    public SmtpEvent awaitEvent(String verb, Duration timeout) throws InterruptedException {
        return awaitEvent(e -> e.verb().equals(verb), timeout, verb);
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

    /** The accept loop, which closes the sessions' sockets on {@link #close()}. */
    LoopbackServer loopback() {
        return server;
    }

    void record(SmtpEvent event) {
        if (config.discardMessages) {
            return;
        }
        synchronized (events) {
            events.add(event);
            events.notifyAll();
        }
    }

    /** Keeps an accepted message; returns its number, 1 for the first. */
    int accept(ReceivedMessage message) {
        if (config.discardMessages) {
            return accepted.incrementAndGet();
        }
        synchronized (messages) {
            messages.add(message);
            return accepted.incrementAndGet();
        }
    }

    /** How many messages were accepted so far, also those {@link Builder#discardMessages discarded}. */
    public int acceptedCount() {
        return accepted.get();
    }

    /** What the server does when it receives QUIT. */
    public enum Quit {
        /** Answers 221 and closes (the default). */
        REPLY,
        /** Resets the connection (TCP RST) without answering. */
        RESET,
        /** Never answers; the connection ends when the client gives up and closes it. */
        SILENT
    }

    /** How the server behaves. */
    public static final class Builder {
        int port;
        String hostName = "localhost";
        SSLContext tlsContext;
        boolean implicitTls;
        boolean offerStartTls;
        boolean needClientAuth;
        String user;
        String password;
        boolean requireAuth = true;
        boolean authRequiresTls;
        int maxCommandLineLength = DEFAULT_MAX_COMMAND_LINE;
        int maxAuthResponseLength = DEFAULT_MAX_COMMAND_LINE;
        boolean mechanismChecksCredentials;
        int maxMessageSize = 10 * 1024 * 1024;
        Duration idleTimeout = Duration.ofSeconds(30);
        Clock clock = Clock.systemUTC();
        Quit quit = Quit.REPLY;
        boolean discardMessages;
        final Map<String, AuthMechanism> mechanisms = new LinkedHashMap<>();
        final Map<String, String> refusedSenders = new LinkedHashMap<>();
        final Map<String, String> refusedRecipients = new LinkedHashMap<>();

        private Builder() {
            mechanism(new PlainAndLogin.Plain());
            mechanism(new PlainAndLogin.Login());
        }

        /**
         * Requires a TLS client certificate that the trust of the TLS context (see
         * {@code TestPki#clientAuthServerContext()}) accepts; without one the handshake fails. The TLS
         * event then names the client certificate's subject.
         */
        public Builder needClientAuth() {
            this.needClientAuth = true;
            return this;
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
            refusedSenders.put(address.toLowerCase(Locale.ROOT), reply);
            return this;
        }

        /** The SIZE EHLO announces (RFC 1870), in bytes; 10 MiB by default. */
        public Builder maxMessageSize(int bytes) {
            this.maxMessageSize = bytes;
            return this;
        }

        /** Answers {@code RCPT TO:<address>} with {@code reply} (e.g. {@code 550 5.1.1 User unknown}). */
        public Builder refuseRecipient(String address, String reply) {
            refusedRecipients.put(address.toLowerCase(Locale.ROOT), reply);
            return this;
        }

        /** What to do on QUIT, e.g. {@link Quit#RESET} for a connection lost after the message was accepted. */
        public Builder onQuit(Quit behaviour) {
            this.quit = behaviour;
            return this;
        }

        /** Closes a connection that sent nothing for this long, without a reply ({@code IDLE-TIMEOUT}). */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        /** The time against which an expiring login ({@link ExpiringTokenXoauth2}) is checked; the system's by default. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Keeps neither messages nor events, only {@link #acceptedCount()}: for load (the benchmarks),
         * where the record would grow without bound. {@link #messages()} and {@link #events()} stay empty.
         */
        public Builder discardMessages() {
            this.discardMessages = true;
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
