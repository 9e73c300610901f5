package dev.mailer.core.impl;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
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

    private SmtpFailures() {
    }

    static MailException fromMessaging(MessagingException e, SmtpSettings settings) {
        if (e instanceof AuthenticationFailedException) {
            return authenticationFailed((AuthenticationFailedException) e, settings);
        }
        if (e instanceof SMTPAddressFailedException) {
            SMTPAddressFailedException address = (SMTPAddressFailedException) e;
            return reply("The server refused the recipient " + address.getAddress() + ".", address.getReturnCode(),
                    address.getMessage(), settings, e);
        }
        if (e instanceof SMTPSendFailedException) {
            SMTPSendFailedException send = (SMTPSendFailedException) e;
            return reply("The server refused the message.", send.getReturnCode(), send.getMessage(), settings, e);
        }
        if (e instanceof SendFailedException) {
            // Angus wraps per-recipient failures; the first nested reply is the informative one
            Exception next = ((SendFailedException) e).getNextException();
            if (next instanceof MessagingException && next != e) {
                return fromMessaging((MessagingException) next, settings);
            }
        }
        String text = String.valueOf(e.getMessage());
        if (text.contains("STARTTLS is required but host does not support STARTTLS")) {
            return MailException.permanentFailure("The server " + settings.server() + " does not offer STARTTLS, so the"
                    + " connection cannot be encrypted; nothing was sent.")
                    .setting(SmtpSettings.REQUIRE_TLS)
                    .diagnosis("Check smtp.host and smtp.port (587 offers STARTTLS at most providers; for port 465 set"
                            + " smtp.ssl=true and smtp.starttls=false). Set smtp.requiretls=false only for a trusted local relay.")
                    .cause(e).build();
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
            return reply("The server refused the request.", Integer.parseInt(reply.group(1)), text, settings, e);
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

    /** The server refused the OAuth access token, also a fresh one. */
    static MailException tokenRejected(int code, String reply, String errorJson, SmtpSettings settings) {
        Matcher m = REPLY.matcher(String.valueOf(reply));
        String status = m.find() ? m.group(2) : null;
        String known = KnownReplies.diagnose(code, status, reply, settings);
        return MailException.permanentFailure("The server " + settings.server() + " refused the OAuth2 access token for"
                + " smtp.user=" + settings.user + ", also a freshly obtained one.")
                .replyCode(code).enhancedStatus(status).serverReply(reply).setting(SmtpSettings.USER)
                .diagnosis((errorJson == null ? "" : "Server detail: " + errorJson + ". ") + known)
                .build();
    }

    /** Failures below SMTP: DNS, TCP, TLS. Null when {@code t} is none of these. */
    static MailException fromNetwork(Throwable t, SmtpSettings settings) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof CertPathBuilderException || c instanceof CertPathValidatorException) {
                return MailException.permanentFailure("The TLS certificate of " + settings.server()
                        + " is not trusted (PKIX path building failed).")
                        .setting(SmtpSettings.TRUSTSTORE_PATH)
                        .diagnosis("If the server uses a private or self-signed CA, put that CA certificate into a truststore"
                                + " file and set smtp.truststore.path (with smtp.truststore.type and the secret"
                                + " smtp_truststore_password), or add it to the JVM's truststore (javax.net.ssl.trustStore)."
                                + " Do not turn certificate checks off. If the CA is public, something between you and the"
                                + " server (a TLS-inspecting proxy) may present its own certificate: trust that proxy's CA.")
                        .cause(t).build();
            }
            if (isHostNameMismatch(c)) {
                return MailException.permanentFailure("The TLS certificate of " + settings.server()
                        + " does not match the host name " + settings.host + " (" + stripPeriod(c.getMessage()) + ").")
                        .setting(SmtpSettings.HOST)
                        .diagnosis("Set smtp.host to a name the certificate is issued for (e.g. smtp.office365.com,"
                                + " not an IP address or an alias).")
                        .cause(t).build();
            }
        }
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof UnknownHostException) {
                return MailException.permanentFailure("The SMTP host " + settings.host + " cannot be resolved (DNS).")
                        .setting(SmtpSettings.HOST)
                        .diagnosis("Check smtp.host for typos, and that this machine can resolve it.")
                        .cause(t).build();
            }
            if (c instanceof ConnectException || c instanceof NoRouteToHostException) {
                return MailException.transientFailure("Cannot connect to " + settings.server() + " (" + c.getMessage() + ").")
                        .setting(SmtpSettings.PORT)
                        .diagnosis("Check smtp.host and smtp.port, and that a firewall or proxy lets this machine reach them"
                                + " (many clouds block outbound port 25; use 587 or 465).")
                        .cause(t).build();
            }
            if (c instanceof SSLException && String.valueOf(c.getMessage()).contains("plaintext")) {
                return MailException.permanentFailure("smtp.ssl=true, but " + settings.server()
                        + " does not speak TLS from the first byte.")
                        .setting(SmtpSettings.SSL)
                        .diagnosis("For port 587 set smtp.ssl=false and smtp.starttls=true; smtp.ssl=true is for port 465.")
                        .cause(t).build();
            }
            if (c instanceof InterruptedIOException) {
                String hint = settings.port == 465 && !settings.ssl
                        ? " Port 465 expects TLS from the first byte: set smtp.ssl=true and smtp.starttls=false."
                        : " Check smtp.timeout.connect / smtp.timeout.read, and the server's health.";
                return MailException.transientFailure("The server " + settings.server() + " did not answer in time ("
                        + c.getMessage() + ").")
                        .setting(SmtpSettings.TIMEOUT_READ)
                        .diagnosis(hint.strip())
                        .cause(t).build();
            }
            if (c instanceof SSLHandshakeException) {
                return MailException.permanentFailure("The TLS handshake with " + settings.server() + " failed ("
                        + c.getMessage() + ").")
                        .setting(SmtpSettings.TRUSTSTORE_PATH)
                        .diagnosis("Check that the server supports TLS 1.2 or newer and that its certificate is trusted"
                                + " (smtp.truststore.path).")
                        .cause(t).build();
            }
            if (c instanceof SocketException) {
                return MailException.transientFailure("The connection to " + settings.server() + " was lost ("
                        + c.getMessage() + ").")
                        .cause(t).build();
            }
        }
        return null;
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

    private static MailException reply(String summary, int code, String text, SmtpSettings settings, Exception e) {
        Matcher reply = REPLY.matcher(String.valueOf(text));
        String status = reply.find() ? reply.group(2) : null;
        MailException.Builder b = code >= 400 && code < 500
                ? MailException.transientFailure(summary + " The server may accept it later.")
                : MailException.permanentFailure(summary);
        return b.replyCode(code).enhancedStatus(status).serverReply(String.valueOf(text).strip())
                .diagnosis(KnownReplies.diagnose(code, status, text, settings)).cause(e).build();
    }
}
