package dev.mailer.core.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.LongConsumer;

import javax.net.ssl.SSLSocketFactory;

import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.OAuthConfigurationProvider;
import dev.mailer.api.SendResult;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * Sends messages through one configured SMTP server with Angus Mail. Immutable and thread-safe:
 * each send opens its own connection, so concurrent sends do not share protocol state.
 */
final class SmtpSender {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpSender.class);

    /** The protocol trace of debug.email=true goes to this logger. */
    private static final Logger TRACE = LoggerFactory.getLogger("dev.mailer.core.smtp");

    private final SmtpSettings settings;
    private final String protocol;
    private final Session session;

    SmtpSender(SmtpSettings settings, SSLSocketFactory socketFactory) {
        this.settings = settings;
        this.protocol = settings.ssl ? "smtps" : "smtp";
        this.session = Session.getInstance(sessionProperties(settings, protocol, socketFactory));
    }

    /**
     * What runs on a connection of its own once it is open and authenticated: sending a message,
     * or the connection check's sender test. {@link #prepare} runs before each connection attempt.
     */
    interface Conversation<T> {

        /** Before connecting (e.g. builds the message, so that a bad message opens no connection). */
        default void prepare(Session session) throws MessagingException {
        }

        /**
         * On the connected and (as configured) authenticated transport; it is closed (QUIT) afterwards.
         * Once this returned, its result stands: a failure while closing is only logged.
         */
        T converse(SMTPTransport transport) throws MessagingException, MailException;
    }

    /**
     * Sends one message on a connection of its own.
     *
     * @param oauth the token source when {@code oauth.flow=true}, else ignored (may be null)
     */
    SendResult send(Email email, OAuthConfigurationProvider oauth) throws MailException {
        return converse(oauth, new Delivery(email));
    }

    /** A message rendered once, for the outbox: its MIME bytes (Message-ID set) and its envelope. */
    static final class Rendered {
        final byte[] mime;
        final String messageId;
        final String envelopeFrom;
        final List<String> recipients;

        private Rendered(byte[] mime, String messageId, String envelopeFrom, List<String> recipients) {
            this.mime = mime;
            this.messageId = messageId;
            this.envelopeFrom = envelopeFrom;
            this.recipients = List.copyOf(recipients);
        }
    }

    /**
     * Renders {@code email} as {@link #send} would send it, with its Message-ID, so that the same bytes
     * go out on every attempt. The envelope sender is the configured {@code from.address}.
     */
    Rendered render(Email email) throws MailException {
        return withMailClassLoader(() -> {
            try {
                MimeMessage message = MimeMessages.create(session, email, settings.fromAddress);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                message.writeTo(out);
                List<String> recipients = new ArrayList<>();
                for (InternetAddress address : MimeMessages.recipients(email)) {
                    recipients.add(address.getAddress());
                }
                return new Rendered(out.toByteArray(), message.getMessageID(),
                        new InternetAddress(settings.fromAddress).getAddress(), recipients);
            } catch (MessagingException e) {
                throw SmtpFailures.fromMessaging(e, settings);
            } catch (IOException e) {
                throw MailException.permanentFailure("The message could not be rendered: " + e.getMessage()).cause(e).build();
            }
        });
    }

    /**
     * Sends ready MIME bytes, unchanged, with an explicit envelope, on a connection of its own (same
     * authentication, token retry and diagnosis as {@link #send}). Recipients are accepted or refused
     * one by one ({@code sendpartial}): the outcome tells which; a failure of the whole message
     * (connection, login, MAIL FROM, DATA) is thrown.
     *
     * @param serverSize told the SIZE the server announced in EHLO, when it announced one
     */
    DeliveryOutcome sendMime(byte[] mime, String envelopeFrom, List<String> recipients, OAuthConfigurationProvider oauth,
            LongConsumer serverSize) throws MailException {
        return converse(oauth, new MimeDelivery(settings, mime, envelopeFrom, recipients, serverSize));
    }

    /**
     * Opens a connection of its own, authenticates as configured and runs {@code conversation} on it.
     * A refused access token is dropped and the whole attempt made once more with a fresh one.
     *
     * @param oauth the token source when {@code oauth.flow=true}, else ignored (may be null)
     */
    <T> T converse(OAuthConfigurationProvider oauth, Conversation<T> conversation) throws MailException {
        return withMailClassLoader(() -> {
            if (!settings.oauth) {
                return conversationWithoutToken(conversation);
            }
            String token = oauth.getAccessToken();
            try {
                return converseOnce(conversation, token);
            } catch (Xoauth2.TokenRejectedException first) {
                // the token may have been revoked or expired early: once more with a fresh one
                oauth.invalidateAccessToken(token);
                String fresh = oauth.getAccessToken();
                try {
                    return converseOnce(conversation, fresh);
                } catch (Xoauth2.TokenRejectedException second) {
                    oauth.invalidateAccessToken(fresh);
                    throw SmtpFailures.tokenRejected(second.code, second.reply, second.errorJson, settings);
                }
            }
        });
    }

    /** What may throw only a MailException (or an unchecked one). */
    private interface MailWork<T> {
        T run() throws MailException;
    }

    /** Jakarta Activation finds its registry and the multipart handlers through the context class loader. */
    private static <T> T withMailClassLoader(MailWork<T> work) throws MailException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(MailClassLoader.INSTANCE);
        try {
            return work.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private <T> T conversationWithoutToken(Conversation<T> conversation) throws MailException {
        try {
            return converseOnce(conversation, null);
        } catch (Xoauth2.TokenRejectedException e) {
            throw new IllegalStateException("XOAUTH2 without a token", e); // connect() only runs XOAUTH2 with a token
        }
    }

    private <T> T converseOnce(Conversation<T> conversation, String token) throws MailException, Xoauth2.TokenRejectedException {
        Session sessionForThisConnection = settings.debug ? tracingSession() : session;
        RedactingDebugLog trace = null;
        if (settings.debug) {
            trace = new RedactingDebugLog(TRACE, "[" + settings.server() + "]", settings.password, settings.truststorePassword, token);
            sessionForThisConnection.setDebugOut(trace.printStream());
            sessionForThisConnection.setDebug(true);
        }
        try {
            conversation.prepare(sessionForThisConnection);
            SMTPTransport transport = (SMTPTransport) sessionForThisConnection.getTransport(protocol);
            T result;
            try {
                connect(transport, token, trace);
                result = conversation.converse(transport);
            } catch (Exception e) {
                closeAfterFailure(transport, e);
                throw e;
            }
            quit(transport);
            return result;
        } catch (MessagingException e) {
            throw SmtpFailures.fromMessaging(e, settings);
        } finally {
            if (trace != null) {
                trace.close();
            }
        }
    }

    /**
     * Ends a conversation that completed: QUIT, then close. What the server accepted stands (a
     * message it answered 250 to is on its way), so a reset or timeout here is no failure: reported
     * as one, the caller's retry would send the message a second time.
     */
    private void quit(SMTPTransport transport) {
        try {
            transport.close();
        } catch (MessagingException e) {
            LOG.debug("Closing the connection to {} failed after the conversation completed; its result stands", settings.server(), e);
        }
    }

    /** Closes the connection of a conversation that failed; a failure to close goes with the first failure. */
    private static void closeAfterFailure(SMTPTransport transport, Exception failure) {
        try {
            transport.close();
        } catch (MessagingException e) {
            failure.addSuppressed(e);
        }
    }

    /** Connects (TLS as configured, required when smtp.requiretls) and authenticates as configured. */
    private void connect(SMTPTransport transport, String token, RedactingDebugLog trace)
            throws MessagingException, MailException, Xoauth2.TokenRejectedException {
        if (token != null) {
            // Angus does TLS (and requires it) but no AUTH: XOAUTH2 is ours, see Xoauth2
            transport.connect(settings.host, settings.port, null, null);
            Xoauth2.authenticate(transport, settings, token, trace == null ? null : trace.printStream());
        } else if (settings.user != null) {
            transport.connect(settings.host, settings.port, settings.user, settings.password);
        } else {
            transport.connect(settings.host, settings.port, null, null);
        }
    }

    /** One message: built before connecting, sent on the authenticated connection. */
    private final class Delivery implements Conversation<SendResult> {
        private final Email email;
        private MimeMessage message;
        private InternetAddress[] recipients;

        Delivery(Email email) {
            this.email = email;
        }

        @Override
        public void prepare(Session session) throws MessagingException {
            message = MimeMessages.create(session, email, settings.fromAddress);
            recipients = MimeMessages.recipients(email);
        }

        @Override
        public SendResult converse(SMTPTransport transport) throws MessagingException {
            transport.sendMessage(message, recipients);
            String reply = transport.getLastServerResponse();
            return new SendResult(message.getMessageID(), reply == null ? "" : reply.strip(), email.getAllRecipients());
        }
    }

    /** A session of its own, so that the trace of one send is not interleaved with another's. */
    private Session tracingSession() {
        return Session.getInstance(session.getProperties());
    }

    static Properties sessionProperties(SmtpSettings settings, String protocol, SSLSocketFactory socketFactory) {
        String p = "mail." + protocol + ".";
        Properties props = new Properties();
        props.setProperty(p + "host", settings.host);
        props.setProperty(p + "port", Integer.toString(settings.port));
        props.setProperty(p + "connectiontimeout", Integer.toString(settings.connectTimeoutMs));
        props.setProperty(p + "timeout", Integer.toString(settings.readTimeoutMs));
        props.setProperty(p + "writetimeout", Integer.toString(settings.writeTimeoutMs));
        // with OAuth Angus must not authenticate: Xoauth2 does, after Angus's EHLO and STARTTLS
        props.setProperty(p + "auth", Boolean.toString(settings.user != null && !settings.oauth));
        // basic auth only with mechanisms that carry the password we were given
        props.setProperty(p + "auth.mechanisms", "PLAIN LOGIN");
        props.setProperty(p + "starttls.enable", Boolean.toString(settings.starttls));
        props.setProperty(p + "starttls.required", Boolean.toString(settings.starttls && settings.requireTls));
        // Angus 2 checks the host name inside the handshake (endpoint identification), so a wrong name
        // fails as SSLHandshakeException -> CertificateException "No subject alternative DNS name matching ..."
        props.setProperty(p + "ssl.checkserveridentity", "true");
        if (socketFactory != null) {
            props.put(p + "ssl.socketFactory", socketFactory);
        }
        // Angus's default (fallback=true) swallows any failure of the configured factory and connects again
        // with the JVM's default SSLSocketFactory: that bypasses smtp.truststore.path (the JVM's CAs would
        // be trusted after all), opens a second connection, and hides the first error (a host-name mismatch
        // then surfaced as "PKIX path building failed"). The configured truststore replaces the JVM's.
        props.setProperty(p + "socketFactory.fallback", "false");
        // envelope sender and Message-ID domain come from the configured sender, not from a DNS lookup of this host
        props.setProperty("mail.from", settings.fromAddress);
        props.setProperty("mail.debug.auth", "false");
        return props;
    }
}
