package dev.mailer.core.impl;

import java.util.Properties;

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
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * Sends messages through one configured SMTP server with Angus Mail. Immutable and thread-safe:
 * each send opens its own connection, so concurrent sends do not share protocol state.
 */
final class SmtpSender {

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
     * Sends one message on a connection of its own.
     *
     * @param oauth the token source when {@code oauth.flow=true}, else ignored (may be null)
     */
    SendResult send(Email email, OAuthConfigurationProvider oauth) throws MailException {
        // Jakarta Activation finds its registry and the multipart handlers through the context class loader
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(MailClassLoader.INSTANCE);
        try {
            if (!settings.oauth) {
                return deliverWithoutToken(email);
            }
            String token = oauth.getAccessToken();
            try {
                return deliver(email, token);
            } catch (Xoauth2.TokenRejectedException first) {
                // the token may have been revoked or expired early: once more with a fresh one
                oauth.invalidateAccessToken(token);
                String fresh = oauth.getAccessToken();
                try {
                    return deliver(email, fresh);
                } catch (Xoauth2.TokenRejectedException second) {
                    oauth.invalidateAccessToken(fresh);
                    throw SmtpFailures.tokenRejected(second.code, second.reply, second.errorJson, settings);
                }
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private SendResult deliverWithoutToken(Email email) throws MailException {
        try {
            return deliver(email, null);
        } catch (Xoauth2.TokenRejectedException e) {
            throw new IllegalStateException("XOAUTH2 without a token", e); // deliver() only runs XOAUTH2 with a token
        }
    }

    private SendResult deliver(Email email, String token) throws MailException, Xoauth2.TokenRejectedException {
        Session sessionForThisSend = settings.debug ? tracingSession() : session;
        RedactingDebugLog trace = null;
        if (settings.debug) {
            trace = new RedactingDebugLog(TRACE, "[" + settings.server() + "]", settings.password, settings.truststorePassword, token);
            sessionForThisSend.setDebugOut(trace.printStream());
            sessionForThisSend.setDebug(true);
        }
        try {
            MimeMessage message = MimeMessages.create(sessionForThisSend, email, settings.fromAddress);
            InternetAddress[] recipients = MimeMessages.recipients(email);
            try (Transport transport = sessionForThisSend.getTransport(protocol)) {
                if (token != null) {
                    // Angus does TLS (and requires it) but no AUTH: XOAUTH2 is ours, see Xoauth2
                    transport.connect(settings.host, settings.port, null, null);
                    Xoauth2.authenticate((SMTPTransport) transport, settings, token);
                } else if (settings.user != null) {
                    transport.connect(settings.host, settings.port, settings.user, settings.password);
                } else {
                    transport.connect(settings.host, settings.port, null, null);
                }
                transport.sendMessage(message, recipients);
                String reply = ((SMTPTransport) transport).getLastServerResponse();
                return new SendResult(message.getMessageID(), reply == null ? "" : reply.strip(), email.getAllRecipients());
            }
        } catch (MessagingException e) {
            throw SmtpFailures.fromMessaging(e, settings);
        } finally {
            if (trace != null) {
                trace.close();
            }
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
