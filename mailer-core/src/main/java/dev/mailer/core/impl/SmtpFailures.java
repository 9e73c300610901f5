package dev.mailer.core.impl;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

import dev.mailer.api.MailException;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;

/**
 * Turns what Angus Mail throws into a {@link MailException} that says what failed, whether a
 * retry can help, which setting or address to look at, and, for replies the big providers are
 * known to send, what they mean.
 */
final class SmtpFailures {

    /** "535 5.7.3 Authentication unsuccessful" -> code 535, enhanced status 5.7.3. */
    private static final Pattern REPLY = Pattern.compile("^\\s*(\\d{3})(?:[ -]+(\\d\\.\\d{1,3}\\.\\d{1,3}))?");

    /** What the JDK's and Angus's host-name checks say when no name of the certificate matches. */
    private static final Pattern HOST_NAME_MISMATCH = Pattern.compile(
            "^\\s*No (subject alternative (DNS )?names?|name matching)", Pattern.CASE_INSENSITIVE);

    private static final String FIREWALL_HINT = "Check smtp.host and smtp.port, and that a firewall or proxy lets this"
            + " machine reach them (many clouds block outbound port 25; use 587 or 465).";

    /** What port 465 needs; every text that advises on it says it in these words. */
    private static final String FOR_PORT_465 = "for port 465 set smtp.ssl=true and smtp.starttls=false";

    private static final String STARTTLS_PORT_HINT = "Check smtp.host and smtp.port: port 587 offers STARTTLS at most"
            + " providers (e.g. smtp.office365.com:587); " + FOR_PORT_465 + ".";

    private static final String CHECK_PORT_HINT = "Check smtp.host and smtp.port; " + FOR_PORT_465 + ".";

    private static final String SSL_PORT_HINT = "For port 587 set smtp.ssl=false and smtp.starttls=true; smtp.ssl=true is"
            + " for port 465.";

    private static final String TLS_HINT = "Check that the server supports TLS 1.2 or newer and that its certificate is"
            + " trusted (smtp.truststore.path).";

    private SmtpFailures() {
    }

    /**
     * What went wrong and what to do, in words: the one place for texts that both a send (as a
     * {@link MailException}) and the connection check (as a step) report. Immutable.
     */
    static final class Finding {
        final boolean transientFailure;
        final String summary;
        /** The property to look at, or null. */
        final String setting;
        /** What to do, or null. */
        final String fix;

        Finding(boolean transientFailure, String summary, String setting, String fix) {
            this.transientFailure = transientFailure;
            this.summary = summary;
            this.setting = setting;
            this.fix = fix;
        }

        static Finding permanent(String summary, String setting, String fix) {
            return new Finding(false, summary, setting, fix);
        }

        static Finding transientFailure(String summary, String setting, String fix) {
            return new Finding(true, summary, setting, fix);
        }

        /** The same, for a send that stopped before anything reached the server. */
        Finding nothingSent() {
            return new Finding(transientFailure, summary + " Nothing was sent.", setting, fix);
        }

        MailException toMailException(Throwable cause) {
            return (transientFailure ? MailException.transientFailure(summary) : MailException.permanentFailure(summary))
                    .setting(setting).diagnosis(fix).cause(cause).build();
        }
    }

    static MailException fromMessaging(MessagingException e, SmtpSettings settings) {
        return fromMessaging(e, settings, null);
    }

    /** @param sender the address the message was sent as (its From), for the Send-As diagnosis; null: from.address */
    static MailException fromMessaging(MessagingException e, SmtpSettings settings, String sender) {
        if (e instanceof AuthenticationFailedException) {
            return authenticationFailed((AuthenticationFailedException) e, settings);
        }
        if (e instanceof SMTPAddressFailedException) {
            SMTPAddressFailedException address = (SMTPAddressFailedException) e;
            return reply("The server refused the recipient " + address.getAddress() + ".", address.getReturnCode(),
                    address.getMessage(), settings, e, sender);
        }
        if (e instanceof SMTPSendFailedException) {
            SMTPSendFailedException send = (SMTPSendFailedException) e;
            if (send.getReturnCode() < 100) {
                return connectionLost(send, settings);
            }
            return reply("The server refused the message.", send.getReturnCode(), send.getMessage(), settings, e, sender);
        }
        if (e instanceof SendFailedException) {
            // Angus wraps per-recipient failures; the first nested reply is the informative one
            Exception next = ((SendFailedException) e).getNextException();
            if (next instanceof MessagingException && next != e) {
                return fromMessaging((MessagingException) next, settings, sender);
            }
        }
        String text = String.valueOf(e.getMessage());
        if (text.contains("STARTTLS is required but host does not support STARTTLS")) {
            return noStartTls(settings).nothingSent().toMailException(e);
        }
        Throwable cause = e.getCause() != null ? e.getCause() : e.getNextException();
        if (cause != null) {
            MailException network = fromNetwork(cause, settings);
            if (network != null) {
                return network;
            }
        }
        Matcher reply = REPLY.matcher(text);
        if (reply.find()) {
            return reply("The server refused the request.", Integer.parseInt(reply.group(1)), text, settings, e, sender);
        }
        if (cause instanceof IOException) {
            // not the network (handled above): the message could not be written, which sending again will not change
            return MailException.permanentFailure("The message could not be written: " + cause.getClass().getSimpleName()
                    + ": " + cause.getMessage() + ".").cause(e).build();
        }
        return MailException.transientFailure("Sending through " + settings.server() + " failed: " + text
                + (cause == null ? "" : " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")"))
                .cause(e).build();
    }

    /** The connection ended before the server answered the message (Angus reports "[EOF]" with no reply code). */
    private static MailException connectionLost(SMTPSendFailedException e, SmtpSettings settings) {
        // lost before the reply to the message: if the end of the message had gone out, the server may have taken it
        return MailException.transientFailure("The connection to " + settings.server() + " was lost before the server"
                + " confirmed the message (" + String.valueOf(e.getMessage()).strip() + "); most likely it was not sent.")
                .diagnosis("The server or a network device closed the connection; sending again later should succeed. If the"
                        + " connection broke after the whole message had gone out, the server may have delivered it, and a"
                        + " second send then arrives twice (the outbox keeps the Message-ID on every attempt, so mail clients show one).")
                .cause(e).build();
    }

    /** Every pooled connection stayed busy for as long as a send waits for one. */
    static MailException noConnectionFree(SmtpSettings settings) {
        return MailException.transientFailure("All " + settings.maxConnections + " connections to " + settings.server()
                + " (smtp.max.connections) stayed busy for smtp.timeout.connect=" + settings.connectTimeoutMs
                + " ms; nothing was sent.")
                .setting(SmtpSettings.MAX_CONNECTIONS)
                .diagnosis("Sending again later should succeed. If sends often wait this long, raise smtp.max.connections as far"
                        + " as the provider allows (Exchange Online: 3 per mailbox), or queue the messages (enqueue, send --queue):"
                        + " the outbox waits its turn.")
                .build();
    }

    /** The thread was interrupted while it waited for a pooled connection. */
    static MailException interruptedWaitingForConnection(SmtpSettings settings) {
        return MailException.transientFailure("Interrupted while waiting for a free connection to " + settings.server()
                + "; nothing was sent.").build();
    }

    /** The server refused the OAuth access token, also a fresh one. */
    static MailException tokenRejected(int code, String reply, String errorJson, SmtpSettings settings) {
        String status = enhancedStatus(reply);
        String known = KnownReplies.diagnose(code, status, reply, settings);
        return MailException.permanentFailure("The server " + settings.server() + " refused the OAuth2 access token for"
                + " smtp.user=" + settings.user + ", also a freshly obtained one.")
                .replyCode(code).enhancedStatus(status).serverReply(reply).setting(SmtpSettings.USER)
                .diagnosis((errorJson == null ? "" : "Server detail: " + errorJson + ". ") + known)
                .build();
    }

    /** Failures below SMTP: DNS, TCP, TLS. Null when {@code t} is none of these. */
    static MailException fromNetwork(Throwable t, SmtpSettings settings) {
        Finding finding = network(t, settings);
        return finding == null ? null : finding.toMailException(t);
    }

    /** {@link #network}, or {@code otherwise} when {@code t} is no failure below SMTP. */
    static Finding network(Throwable t, SmtpSettings settings, Finding otherwise) {
        Finding finding = network(t, settings);
        return finding != null ? finding : otherwise;
    }

    /**
     * What a failure below SMTP (DNS, TCP, TLS) means and what to do, for sending ({@link #fromNetwork})
     * and for the connection check alike. Null when {@code t} is none of these.
     */
    static Finding network(Throwable t, SmtpSettings settings) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof CertPathBuilderException || c instanceof CertPathValidatorException) {
                return Finding.permanent("The TLS certificate of " + settings.server() + " is not trusted (PKIX path building failed).",
                        SmtpSettings.TRUSTSTORE_PATH,
                        "If the server uses a private or self-signed CA, put that CA certificate into a truststore"
                                + " file and set smtp.truststore.path (with smtp.truststore.type and the secret"
                                + " smtp_truststore_password; or a PEM file of the CA with smtp.truststore.type=PEM, no password),"
                                + " or add it to the JVM's truststore (javax.net.ssl.trustStore)."
                                + " Do not turn certificate checks off. If the CA is public, something between you and the"
                                + " server (a TLS-inspecting proxy) may present its own certificate: trust that proxy's CA.");
            }
            if (isHostNameMismatch(c) && settings.tlsServerNameSet) {
                return Finding.permanent("The TLS certificate of " + settings.server() + " does not match smtp.tls.servername="
                        + settings.tlsServerName + " (" + stripPeriod(c.getMessage()) + ").",
                        SmtpSettings.TLS_SERVERNAME,
                        "Set smtp.tls.servername to the name the real SMTP server's certificate is issued for (e.g."
                                + " smtp.office365.com), the server that smtp.host (a forwarder such as proxy.tunnel) leads to.");
            }
            if (isHostNameMismatch(c)) {
                return Finding.permanent("The TLS certificate of " + settings.server() + " does not match the host name "
                        + settings.host + " (" + stripPeriod(c.getMessage()) + ").",
                        SmtpSettings.HOST,
                        "Set smtp.host to a name the certificate is issued for (e.g. smtp.office365.com,"
                                + " not an IP address or an alias).");
            }
        }
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof UnknownHostException) {
                return Finding.permanent("The SMTP host " + settings.host + " cannot be resolved (DNS).", SmtpSettings.HOST,
                        "Check smtp.host for typos, and that this machine can resolve it.");
            }
            if (c instanceof ConnectException || c instanceof NoRouteToHostException) {
                return Finding.transientFailure("Cannot connect to " + settings.server() + " (" + c.getMessage() + ").",
                        SmtpSettings.PORT, FIREWALL_HINT);
            }
            if (c instanceof SocketTimeoutException && String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT)
                    .contains("connect timed out")) {
                return connectTimedOut(settings);
            }
            if (c instanceof SSLException && isPlainTextAnswer(c)) {
                return Finding.permanent("smtp.ssl=true, but " + settings.server() + " does not speak TLS from the first byte.",
                        SmtpSettings.SSL, SSL_PORT_HINT);
            }
            if (c instanceof InterruptedIOException) {
                String port465 = port465WithoutSsl(settings);
                return Finding.transientFailure("The server " + settings.server() + " did not answer in time ("
                        + c.getMessage() + ").", SmtpSettings.TIMEOUT_READ, port465 != null ? port465
                                : "Check smtp.timeout.connect / smtp.timeout.read, and the server's health.");
            }
            String refusal = clientCertificateAlert(c);
            if (refusal != null) {
                return clientCertificateRefused(refusal, settings);
            }
            if (c instanceof SSLHandshakeException) {
                return handshakeFailed(c.getMessage(), settings);
            }
            if (c instanceof SocketException) {
                return Finding.transientFailure("The connection to " + settings.server() + " was lost (" + c.getMessage() + ").",
                        null, null);
            }
        }
        return null;
    }

    /**
     * What a passed handshake verified, for the check: the certificate's name, and with
     * smtp.tls.servername the forwarder the connection went through.
     */
    static String verifiedFor(SmtpSettings settings) {
        return settings.tlsServerNameSet
                ? "the certificate is trusted and verified for " + settings.tlsServerName + " (smtp.tls.servername) via " + settings.server()
                : "the certificate is trusted and issued for " + settings.host;
    }

    /** No TCP connection within smtp.timeout.connect: usually a firewall that drops the packets. */
    static Finding connectTimedOut(SmtpSettings settings) {
        return Finding.transientFailure("No TCP connection to " + settings.server() + " within smtp.timeout.connect="
                + settings.connectTimeoutMs + " ms.", SmtpSettings.PORT,
                FIREWALL_HINT + " Raise smtp.timeout.connect only if the network is known to be that slow.");
    }

    /** smtp.starttls=true, but the server's EHLO reply does not offer STARTTLS. */
    static Finding noStartTls(SmtpSettings settings) {
        return Finding.permanent("The server " + settings.server() + " does not offer STARTTLS, so the connection cannot be"
                + " encrypted.", SmtpSettings.REQUIRE_TLS,
                STARTTLS_PORT_HINT + " Never set smtp.requiretls=false for a server on the internet: the login and the mail"
                        + " would travel unencrypted; it is only for a trusted local relay.");
    }

    /**
     * smtp.port=465 with smtp.ssl=false: a server there waits for the TLS handshake and never greets
     * in plain text. The advice, or null when the settings are not so.
     */
    static String port465WithoutSsl(SmtpSettings settings) {
        return settings.port == 465 && !settings.ssl
                ? "smtp.port is 465 but smtp.ssl is false, and port 465 expects TLS from the first byte: " + FOR_PORT_465
                        + ", or use port 587 with smtp.starttls=true."
                : null;
    }

    /**
     * smtp.ssl=true together with smtp.starttls=true (a Day CQ Mail Service configuration may say so):
     * accepted as AEM documents it, smtp.ssl wins. The warning, or null when the settings are not so.
     */
    static String sslWinsOverStartTls(SmtpSettings settings) {
        return settings.sslWinsOverStartTls
                ? "smtp.ssl and smtp.starttls are both true: smtp.ssl=true wins (as in AEM), so TLS starts from the first"
                        + " byte and STARTTLS is not used. Set smtp.starttls=false to say so (port 465), or smtp.ssl=false"
                        + " to upgrade a plain connection with STARTTLS (port 587)."
                : null;
    }

    /** The server answered STARTTLS with {@code reply}, not 220. */
    static Finding startTlsRefused(String reply, SmtpSettings settings) {
        return Finding.permanent("The server " + settings.server() + " offers STARTTLS but refused it: " + reply,
                SmtpSettings.STARTTLS, CHECK_PORT_HINT);
    }

    /** The TLS handshake failed for a reason other than trust or host name ({@code detail}). */
    static Finding handshakeFailed(String detail, SmtpSettings settings) {
        return Finding.permanent("The TLS handshake with " + settings.server() + " failed (" + detail + ").",
                SmtpSettings.TRUSTSTORE_PATH, TLS_HINT);
    }

    /**
     * The server ended the handshake with an alert about the client's certificate ({@code alert}):
     * it wants one and got none, or does not accept the one of smtp.keystore.path.
     */
    static Finding clientCertificateRefused(String alert, SmtpSettings settings) {
        if (settings.keystorePath == null) {
            return Finding.permanent("The server " + settings.server() + " requires a TLS client certificate and this client"
                    + " presents none (TLS alert " + alert + ").", SmtpSettings.KEYSTORE_PATH,
                    "Set smtp.keystore.path to the client's private key and certificate chain (PKCS12, or with"
                            + " smtp.keystore.type=PEM a PEM file of the unencrypted PKCS#8 key and the certificates), its"
                            + " password in the secret smtp_keystore_password; the certificate must be issued by a CA the"
                            + " server (or relay connector) accepts.");
        }
        return Finding.permanent("The server " + settings.server() + " refused the client certificate of smtp.keystore.path="
                + settings.keystorePath + " (TLS alert " + alert + ").", SmtpSettings.KEYSTORE_PATH,
                "Check that the certificate is issued by a CA the server (or relay connector) accepts, is not expired, and"
                        + " is the one registered there; the check's tls step shows its subject and expiry.");
    }

    /** The alert a server sends about the client's certificate, if {@code c} is one; else null. */
    private static String clientCertificateAlert(Throwable c) {
        if (!(c instanceof SSLException)) {
            return null;
        }
        String text = String.valueOf(c.getMessage());
        // the JDK words a received alert "Received fatal alert: <name>"; TLS 1.3 servers send
        // certificate_required for a missing certificate, TLS 1.2 servers handshake_failure or bad_certificate
        for (String alert : CLIENT_CERTIFICATE_ALERTS) {
            if (text.contains("alert: " + alert)) {
                return alert;
            }
        }
        return null;
    }

    /** The peer at smtp.host:smtp.port answered something that is not SMTP ({@code detail}). */
    static Finding notSmtp(String detail, SmtpSettings settings) {
        return Finding.permanent("The server at " + settings.server() + " does not answer like an SMTP server (" + detail
                + ").", SmtpSettings.PORT, settings.ssl ? "Check smtp.host and smtp.port. " + SSL_PORT_HINT
                        : CHECK_PORT_HINT);
    }

    /** oauth.flow=true, but the server's EHLO reply does not offer AUTH XOAUTH2 ({@code mechanisms} null: no AUTH at all). */
    static Finding xoauth2NotOffered(String mechanisms, SmtpSettings settings) {
        return Finding.permanent("The server " + settings.server() + " does not offer AUTH XOAUTH2"
                + (mechanisms == null ? " (no AUTH at all" + (settings.ssl || settings.starttls ? "" : "; many servers offer"
                        + " AUTH only after STARTTLS") + ")" : " (it offers " + mechanisms.strip() + ")") + ".",
                SmtpSettings.OAUTH,
                "This server or port does not accept OAuth. Check smtp.host and smtp.port: Office 365 uses"
                        + " smtp.office365.com:587, Gmail smtp.gmail.com:587 (both with smtp.starttls=true); at Office 365"
                        + " also check that SMTP AUTH (Authenticated SMTP) is enabled for the mailbox of smtp.user."
                        + " Set oauth.flow=false for servers that only take passwords.");
    }

    /** A password is configured, but the server offers neither AUTH PLAIN nor AUTH LOGIN. */
    static Finding passwordLoginNotOffered(String mechanisms, SmtpSettings settings) {
        return Finding.permanent("The server " + settings.server() + " offers no password login this client uses (AUTH PLAIN"
                + " or LOGIN)" + (mechanisms == null ? "; it offers no AUTH at all" : "; it offers " + mechanisms.strip()) + ".",
                SmtpSettings.USER,
                (mechanisms == null && !settings.ssl && !settings.starttls
                        ? "Many servers offer AUTH only after STARTTLS: set smtp.starttls=true (port 587). " : "")
                        + (Xoauth2.offered(mechanisms)
                                ? "The server takes OAuth: set oauth.flow=true and configure the OAuth provider. " : "")
                        + "Check smtp.host and smtp.port (the submission port, usually 587); remove smtp.user and"
                        + " smtp.password only for a relay that accepts mail from this machine without a login.");
    }

    /** The server refused {@code MAIL FROM:<from.address>}. */
    static Finding senderRefused(int code, String reply, SmtpSettings settings) {
        String text = String.valueOf(reply).strip();
        String known = KnownReplies.diagnose(code, enhancedStatus(text), text, settings);
        String fix = known != null && known.contains("from.address") ? known
                : (known == null ? "" : known + " ") + "Check from.address=" + settings.fromAddress + ": it must be an address"
                        + " the server accepts as sender for smtp.user" + (settings.user == null ? "" : "=" + settings.user) + ".";
        return new Finding(code >= 400 && code < 500, "The server " + settings.server() + " refused from.address="
                + settings.fromAddress + " as sender (MAIL FROM). Server replied: " + text, SmtpSettings.FROM, fix);
    }

    /** The RFC 3463 enhanced status of a reply ("550 5.7.60 ..." -> 5.7.60), or null. */
    static String enhancedStatus(String reply) {
        Matcher m = REPLY.matcher(String.valueOf(reply));
        return m.find() ? m.group(2) : null;
    }

    /**
     * What the JDK says when the server answers a TLS ClientHello in plain text ("Unsupported or
     * unrecognized SSL message"; older JDKs: "Unrecognized SSL message, plaintext connection?").
     */
    private static boolean isPlainTextAnswer(Throwable c) {
        String text = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
        return text.contains("plaintext") || text.contains("unrecognized ssl message");
    }

    /**
     * The certificate is trusted but issued for other names. Angus 2 has the JDK check the name during
     * the handshake (endpoint identification), which fails with a {@link CertificateException} from
     * the JDK's host-name checker ("No subject alternative DNS name matching x found.", "No
     * subject alternative names matching IP address x found", "No subject alternative names
     * present", "No name matching x found"); Angus's own verifiers (mail.smtp.ssl.hostnameverifier)
     * use the same wording or "Server identity does not match". Trust failures (PKIX, "No trusted
     * certificate found") are not matched.
     */
    private static final String[] CLIENT_CERTIFICATE_ALERTS = {"certificate_required", "bad_certificate",
        "unsupported_certificate", "certificate_revoked", "certificate_expired", "certificate_unknown", "unknown_ca"};

    private static boolean isHostNameMismatch(Throwable c) {
        String text = String.valueOf(c.getMessage());
        if (c instanceof CertificateException) {
            return HOST_NAME_MISMATCH.matcher(text).find();
        }
        return c instanceof SSLException && text.contains("Server identity does not match");
    }

    private static String stripPeriod(String text) {
        String s = String.valueOf(text).strip();
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static MailException authenticationFailed(AuthenticationFailedException e, SmtpSettings settings) {
        String text = String.valueOf(e.getMessage()).strip();
        Matcher reply = REPLY.matcher(text);
        if (!reply.find()) {
            return MailException.permanentFailure("Authentication with " + settings.server() + " failed: " + text)
                    .setting(SmtpSettings.USER)
                    .diagnosis("The server may not offer a login mechanism this client can use (PLAIN, LOGIN"
                            + (settings.oauth ? ", XOAUTH2" : "") + "). Check smtp.user and the server's EHLO reply (debug.email=true).")
                    .cause(e).build();
        }
        int code = Integer.parseInt(reply.group(1));
        String status = reply.group(2);
        MailException.Builder failure = (code >= 400 && code < 500
                ? MailException.transientFailure("The server " + settings.server() + " could not log in smtp.user="
                        + settings.user + " right now.")
                : MailException.permanentFailure("The server " + settings.server() + " refused the login of smtp.user="
                        + settings.user + "."))
                .replyCode(code).enhancedStatus(status).serverReply(text)
                .setting(settings.oauth ? SmtpSettings.OAUTH : SmtpSettings.PASSWORD)
                .cause(e);
        return failure.diagnosis(KnownReplies.diagnose(code, status, text, settings)).build();
    }

    private static MailException reply(String summary, int code, String text, SmtpSettings settings, Exception e, String sender) {
        Matcher reply = REPLY.matcher(String.valueOf(text));
        String status = reply.find() ? reply.group(2) : null;
        MailException.Builder b = code >= 400 && code < 500
                ? MailException.transientFailure(summary + " The server may accept it later.")
                : MailException.permanentFailure(summary);
        return b.replyCode(code).enhancedStatus(status).serverReply(String.valueOf(text).strip())
                .diagnosis(KnownReplies.diagnose(code, status, text, settings, sender)).cause(e).build();
    }

    /** The Angus Mail in use gives no way to keep a credential out of its protocol trace: the credential is not sent. */
    static MailException credentialTraceNotSuppressible(Exception e) {
        return MailException.permanentFailure("This Angus Mail version cannot keep the XOAUTH2 access token out of its"
                + " protocol trace; nothing was sent.")
                .setting(SmtpSettings.OAUTH)
                .diagnosis("Use org.eclipse.angus:jakarta.mail 2.0.x (tested with 2.0.5), or set oauth.flow=false to log in"
                        + " with smtp.password.")
                .cause(e).build();
    }
}
