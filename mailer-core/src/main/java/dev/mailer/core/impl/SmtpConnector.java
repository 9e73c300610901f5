package dev.mailer.core.impl;

import java.time.Clock;
import java.util.Properties;

import javax.net.ssl.SSLSocketFactory;

import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.MailException;
import dev.mailer.api.OAuthConfigurationProvider;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;

/**
 * Opens connections to the configured SMTP server with Angus Mail: TCP, TLS as configured (required
 * when smtp.requiretls), and the login: a password through Angus, or an access token through
 * {@link Xoauth2}. A refused access token is dropped and the login made once more, on a new
 * connection, with a fresh one. Immutable and thread-safe.
 */
final class SmtpConnector {

    /** The protocol trace of debug.email=true goes to this logger. */
    private static final Logger TRACE = LoggerFactory.getLogger("dev.mailer.core.smtp");

    private final SmtpSettings settings;
    private final String protocol;
    private final Session session;
    private final Clock clock;

    SmtpConnector(SmtpSettings settings, SSLSocketFactory socketFactory, Clock clock) {
        this.settings = settings;
        this.protocol = settings.ssl ? "smtps" : "smtp";
        this.session = Session.getInstance(sessionProperties(settings, protocol, socketFactory));
        this.clock = clock;
    }

    /** The session messages are built with (the connections' sessions have the same properties). */
    Session session() {
        return session;
    }

    /**
     * A new connection, logged in as configured.
     *
     * @param oauth the token source when {@code oauth.flow=true}, else ignored (may be null)
     * @param token the access token to log in with (oauth.flow=true), else null
     * @throws MailException when connecting or logging in failed, also with a fresh token after a refused one
     */
    SmtpConnection open(OAuthConfigurationProvider oauth, String token) throws MailException {
        if (token == null) {
            try {
                return openOnce(null, null);
            } catch (Xoauth2.TokenRejectedException e) {
                throw new IllegalStateException("XOAUTH2 without a token", e); // only a token makes Xoauth2 run
            }
        }
        try {
            return openOnce(token, oauth);
        } catch (Xoauth2.TokenRejectedException first) {
            // the token may have been revoked or expired early: once more with a fresh one
            oauth.invalidateAccessToken(token);
            String fresh = oauth.getAccessToken();
            try {
                return openOnce(fresh, oauth);
            } catch (Xoauth2.TokenRejectedException second) {
                oauth.invalidateAccessToken(fresh);
                throw SmtpFailures.tokenRejected(second.code, second.reply, second.errorJson, settings);
            }
        }
    }

    private SmtpConnection openOnce(String token, OAuthConfigurationProvider oauth) throws MailException, Xoauth2.TokenRejectedException {
        Session sessionForThisConnection = settings.debug ? Session.getInstance(session.getProperties()) : session;
        RedactingDebugLog trace = null;
        if (settings.debug) {
            // a session and trace of its own, so that the dialogue of one connection is not interleaved with another's
            trace = new RedactingDebugLog(TRACE, "[" + settings.server() + "]", settings.password, settings.truststorePassword, settings.keystorePassword, token);
            sessionForThisConnection.setDebugOut(trace.printStream());
            sessionForThisConnection.setDebug(true);
        }
        SMTPTransport transport = null;
        try {
            transport = (SMTPTransport) sessionForThisConnection.getTransport(protocol);
            login(transport, token, trace);
            return new SmtpConnection(transport, token, token == null ? null : oauth.getAccessTokenExpiry(token).orElse(null),
                    trace, settings.server(), clock.instant());
        } catch (MessagingException e) {
            closeAfterFailure(transport, trace, e);
            throw SmtpFailures.fromMessaging(e, settings);
        } catch (MailException | Xoauth2.TokenRejectedException | RuntimeException e) {
            closeAfterFailure(transport, trace, e);
            throw e;
        }
    }

    /** Connects (TLS as configured, required when smtp.requiretls) and logs in as configured. */
    private void login(SMTPTransport transport, String token, RedactingDebugLog trace)
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

    private static void closeAfterFailure(SMTPTransport transport, RedactingDebugLog trace, Exception failure) {
        try {
            if (transport != null) {
                transport.close();
            }
        } catch (MessagingException e) {
            failure.addSuppressed(e);
        } finally {
            if (trace != null) {
                trace.close();
            }
        }
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
        // TCP_NODELAY on every socket (see NoDelaySockets); the TLS factory is the truststore's, or the JVM's default
        props.put(p + "socketFactory", NoDelaySockets.plain());
        // smtp.tls.servername: TLS (SNI and the identity check above) is for that name, TCP goes to smtp.host
        props.put(p + "ssl.socketFactory", NoDelaySockets.tls(socketFactory, settings.tlsServerNameSet ? settings.tlsServerName : null));
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
