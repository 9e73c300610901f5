package dev.mailer.it.smtp;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import dev.mailer.it.mail.ReceivedMail;
import dev.mailer.testsupport.smtp.TestSmtpServer;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

/**
 * GreenMail, the bundle, as an SMTP or SMTPS server on 127.0.0.1 with one user. Its TLS key is the
 * test PKI's {@code server.p12}: ContainerSetup points GreenMail's {@code greenmail.tls.keystore.*}
 * system properties at it, so the file is read directly rather than through the TCCL.
 *
 * <p>GreenMail delivers a copy of each message into one mailbox per recipient, so the envelope is
 * seen per mailbox ({@link #messagesFor(String)}); it has no STARTTLS (see {@link TestSmtpServer}).
 * Test classes use this wrapper, never GreenMail's types: those are not on the test JVM's classpath.
 */
public final class GreenMailServer implements Closeable {

    private final GreenMail greenMail;
    private final int port;

    private GreenMailServer(ServerSetup setup, String login, String password) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // GreenMail's threads inherit this TCCL: let it be GreenMail's own bundle class loader
        thread.setContextClassLoader(GreenMail.class.getClassLoader());
        try {
            greenMail = new GreenMail(setup);
            if (login != null) {
                greenMail.withConfiguration(GreenMailConfiguration.aConfig().withUser(login + "@localhost", login, password));
            }
            greenMail.start();
        } finally {
            thread.setContextClassLoader(previous);
        }
        port = setup.isSecure() ? greenMail.getSmtps().getPort() : greenMail.getSmtp().getPort();
    }

    /** SMTPS (TLS from the first byte) on {@code port}, accepting {@code login}/{@code password}. */
    public static GreenMailServer smtps(int port, String login, String password) {
        return new GreenMailServer(setup(port, ServerSetup.PROTOCOL_SMTPS), login, password);
    }

    /** Plain SMTP (no TLS, no STARTTLS) on a free port, accepting {@code login}/{@code password}. */
    public static GreenMailServer smtp(String login, String password) {
        return new GreenMailServer(setup(0, ServerSetup.PROTOCOL_SMTP), login, password);
    }

    private static ServerSetup setup(int port, String protocol) {
        ServerSetup setup = new ServerSetup(port, "127.0.0.1", protocol);
        setup.setServerStartupTimeout(10_000);
        return setup;
    }

    public int port() {
        return port;
    }

    /** How many copies were delivered, over all mailboxes. */
    public int deliveredCount() {
        return greenMail.getReceivedMessages().length;
    }

    /** Waits until {@code count} copies were delivered (over all mailboxes); fails after {@code timeout}. */
    public void awaitDeliveries(int count, Duration timeout) {
        if (!greenMail.waitForIncomingEmail(timeout.toMillis(), count)) {
            throw new AssertionError("GreenMail on port " + port + " got " + deliveredCount() + " deliveries, not "
                    + count + ", within " + timeout.toMillis() + " ms");
        }
    }

    /** The messages in the mailbox of {@code address}: each one was sent to it (To, Cc or Bcc). */
    public List<ReceivedMail> messagesFor(String address) {
        return greenMail.findReceivedMessages(user -> user.getEmail().equalsIgnoreCase(address), m -> true)
                .map(m -> ReceivedMail.parse(null, List.of(address), bytes(m)))
                .collect(Collectors.toList());
    }

    /** Every delivered copy. */
    public List<ReceivedMail> allDeliveries() {
        List<ReceivedMail> all = new ArrayList<>();
        for (MimeMessage m : greenMail.getReceivedMessages()) {
            all.add(ReceivedMail.parse(null, null, bytes(m)));
        }
        return all;
    }

    private static byte[] bytes(MimeMessage message) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            message.writeTo(out);
            return out.toByteArray();
        } catch (IOException | MessagingException e) {
            throw new AssertionError("cannot read a message GreenMail received: " + e, e);
        }
    }

    @Override
    public void close() {
        greenMail.stop();
    }

    @Override
    public String toString() {
        return "GreenMail[127.0.0.1:" + port + "]";
    }
}
