package dev.mailer.core.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

import javax.net.ssl.SSLSocketFactory;

import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.MimeMail;
import dev.mailer.api.OAuthConfigurationProvider;
import dev.mailer.api.SendResult;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;

/**
 * Sends messages through one configured SMTP server with Angus Mail, on the logged-in connections of
 * its {@link SmtpConnectionPool}: a message goes out on an idle connection when there is one, else on
 * a new one ({@link SmtpConnector}). The connection check has connections of its own
 * ({@link #converse}). Thread-safe; {@link #close()} closes the pool.
 */
final class SmtpSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpSender.class);

    private final SmtpSettings settings;
    private final SmtpConnector connector;
    private final SmtpConnectionPool pool;

    SmtpSender(SmtpSettings settings, SSLSocketFactory socketFactory) {
        this(settings, socketFactory, Clock.systemUTC());
    }

    /** @param clock the time of the pool's limits (age, idle time, token expiry) */
    SmtpSender(SmtpSettings settings, SSLSocketFactory socketFactory, Clock clock) {
        this.settings = settings;
        this.connector = new SmtpConnector(settings, socketFactory, clock);
        this.pool = new SmtpConnectionPool(settings, clock);
    }

    /**
     * What runs on an open and logged-in connection: sending a message, or the connection check's
     * sender test. {@link #prepare} runs once before.
     */
    interface Conversation<T> {

        /** Before a connection is taken or opened (e.g. builds the message, so that a bad message opens no connection). */
        default void prepare(Session session) throws MessagingException {
        }

        /**
         * On the connected and (as configured) logged-in transport. Once this returned, its result
         * stands: a failure while closing the connection later is only logged.
         *
         * @throws ConnectionLost when it failed before anything of a message went out because the
         *         connection or its login is gone ({@link TrackedMessage#sendOn})
         */
        T converse(SMTPTransport transport) throws MessagingException, MailException;

        /** The address the message is sent as (its From), for a refusal's diagnosis; null when there is no message. */
        default String sender() {
            return null;
        }
    }

    /**
     * Sends one message on a pooled connection.
     *
     * @param oauth the token source when {@code oauth.flow=true}, else ignored (may be null)
     */
    SendResult send(Email email, OAuthConfigurationProvider oauth) throws MailException {
        return deliver(oauth, new Delivery(email));
    }

    /** Sends one message on a connection of its own, as the connection check does (it diagnoses the whole way). */
    SendResult sendOnOwnConnection(Email email, OAuthConfigurationProvider oauth) throws MailException {
        return converse(oauth, new Delivery(email));
    }

    /** A message rendered once, for the outbox: its MIME bytes (Message-ID set) and its envelope. */
    static final class Rendered {
        final byte[] mime;
        final String messageId;
        final String envelopeFrom;
        final List<String> recipients;

        Rendered(byte[] mime, String messageId, String envelopeFrom, List<String> recipients) {
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
                TrackedMessage message = MimeMessages.create(connector.session(), email, settings.fromAddress);
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

    /** Renders a caller's ready MIME message ({@link MimeMails}) for {@link #send(MimeMail, OAuthConfigurationProvider)} and the outbox. */
    Rendered render(MimeMail mail) throws MailException {
        return withMailClassLoader(() -> {
            try {
                return MimeMails.render(mail, settings.fromAddress);
            } catch (MessagingException e) {
                throw SmtpFailures.fromMessaging(e, settings);
            } catch (IOException e) {
                throw MailException.permanentFailure("The MIME message could not be read: " + e.getMessage()).cause(e).build();
            }
        });
    }

    /**
     * Sends a caller's ready MIME message on a pooled connection, all recipients or none (as
     * {@link #send(Email, OAuthConfigurationProvider)}): a refused recipient fails the message.
     */
    SendResult send(MimeMail mail, OAuthConfigurationProvider oauth) throws MailException {
        Rendered rendered = render(mail);
        DeliveryOutcome outcome = deliver(oauth, new MimeDelivery(settings, rendered.mime, rendered.envelopeFrom, rendered.recipients,
                size -> { }, false));
        if (!outcome.refused.isEmpty()) {
            throw outcome.refused.values().iterator().next();
        }
        return new SendResult(rendered.messageId, outcome.reply, outcome.accepted);
    }

    /**
     * Sends ready MIME bytes, unchanged, with an explicit envelope, on a pooled connection (same
     * authentication, token retry and diagnosis as {@link #send}). Recipients are accepted or refused
     * one by one ({@code sendpartial}): the outcome tells which; a failure of the whole message
     * (connection, login, MAIL FROM, DATA) is thrown.
     *
     * @param serverSize told the SIZE the server announced in EHLO, when it announced one
     */
    DeliveryOutcome sendMime(byte[] mime, String envelopeFrom, List<String> recipients, OAuthConfigurationProvider oauth,
            LongConsumer serverSize) throws MailException {
        return deliver(oauth, new MimeDelivery(settings, mime, envelopeFrom, recipients, serverSize, true));
    }

    /**
     * Opens a connection of its own, logs in as configured, runs {@code conversation} on it and closes
     * it (QUIT). A refused access token is dropped and the login made once more with a fresh one.
     *
     * @param oauth the token source when {@code oauth.flow=true}, else ignored (may be null)
     */
    <T> T converse(OAuthConfigurationProvider oauth, Conversation<T> conversation) throws MailException {
        return withMailClassLoader(() -> {
            prepare(conversation);
            SmtpConnection connection = connector.open(oauth, currentToken(oauth));
            T result;
            try {
                result = conversation.converse(connection.transport);
            } catch (ConnectionLost e) {
                connection.closeAfter(e);
                throw SmtpFailures.fromMessaging(e.original(), settings, conversation.sender());
            } catch (MessagingException e) {
                connection.closeAfter(e);
                throw SmtpFailures.fromMessaging(e, settings, conversation.sender());
            } catch (MailException | RuntimeException e) {
                connection.closeAfter(e);
                throw e;
            }
            connection.close();
            return result;
        });
    }

    /**
     * Runs {@code conversation} on a pooled connection: an idle one, or a new one. When the server
     * dropped the idle one (or its login) before anything of the message went out, the message goes
     * out on a new connection, once; a message whose content was sent is never sent again here.
     */
    private <T> T deliver(OAuthConfigurationProvider oauth, Conversation<T> conversation) throws MailException {
        return withMailClassLoader(() -> {
            prepare(conversation);
            return onPooledConnection(oauth, currentToken(oauth), conversation);
        });
    }

    private <T> T onPooledConnection(OAuthConfigurationProvider oauth, String token, Conversation<T> conversation)
            throws MailException {
        String loginToken = token;
        try (SmtpConnectionPool.Lease lease = pool.borrow(token)) {
            if (lease.connection() != null) {
                try {
                    return converseOn(lease, conversation);
                } catch (ConnectionLost lost) {
                    LOG.debug("The connection to {} was lost while idle ({}); sending on a new one", settings.server(),
                            lost.getMessage());
                    lease.discard(lost);
                    if (lost.loginLost && token != null) {
                        // the server refused the session's token meanwhile: drop it, as after a refused login
                        oauth.invalidateAccessToken(token);
                        loginToken = oauth.getAccessToken();
                    }
                }
            }
            lease.use(connector.open(oauth, loginToken));
            try {
                return converseOn(lease, conversation);
            } catch (ConnectionLost lost) {
                lease.discard(lost);
                throw SmtpFailures.fromMessaging(lost.original(), settings, conversation.sender());
            }
        }
    }

    /** Runs {@code conversation} on the lease's connection, and keeps or discards the connection as the outcome says. */
    private <T> T converseOn(SmtpConnectionPool.Lease lease, Conversation<T> conversation) throws MailException, ConnectionLost {
        try {
            T result = conversation.converse(lease.connection().transport);
            lease.keep();
            return result;
        } catch (ConnectionLost e) {
            throw e;
        } catch (MessagingException e) {
            if (ConnectionLost.of(e) == null) {
                lease.keep(); // a reply about this message: the connection goes on (RSET first)
            } else {
                lease.discard(e); // lost after the content went out: the outcome is unknown, the connection gone
            }
            throw SmtpFailures.fromMessaging(e, settings, conversation.sender());
        } catch (MailException | RuntimeException e) {
            lease.discard(e);
            throw e;
        }
    }

    private <T> void prepare(Conversation<T> conversation) throws MailException {
        try {
            conversation.prepare(connector.session());
        } catch (MessagingException e) {
            throw SmtpFailures.fromMessaging(e, settings);
        }
    }

    private String currentToken(OAuthConfigurationProvider oauth) throws MailException {
        return settings.oauth ? oauth.getAccessToken() : null;
    }

    /** Closes the pooled connections: the idle ones now, the borrowed ones when they come back. */
    @Override
    public void close() {
        pool.close();
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

    /** One message: built before a connection is taken, sent on the logged-in connection. */
    private final class Delivery implements Conversation<SendResult> {
        private final Email email;
        private TrackedMessage message;
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
        public String sender() {
            return MimeMessages.fromAddress(message);
        }

        @Override
        public SendResult converse(SMTPTransport transport) throws MessagingException {
            message.sendOn(transport, recipients);
            String reply = transport.getLastServerResponse();
            return new SendResult(message.getMessageID(), reply == null ? "" : reply.strip(), email.getAllRecipients());
        }
    }
}
