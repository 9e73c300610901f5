package dev.mailer.core.impl;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SSLSession;
import javax.net.ssl.X509TrustManager;

import dev.mailer.core.impl.SmtpFailures.Finding;

/**
 * The steps of the connection check that need no login: connect, tls and ehlo, one at a time on a
 * bare SMTP conversation ({@link SmtpProbe}), so that each can be reported on its own. Records into
 * the run's {@link CheckSteps}; each step returns whether the check goes on. One connection, one
 * thread; {@link #close()} ends it whatever happened.
 */
final class ProbeSteps implements Closeable {

    static final String CONNECT = "connect";
    static final String TLS = "tls";
    static final String EHLO = "ehlo";

    private final SmtpSettings settings;
    private final X509TrustManager trust;
    private final ClientCertificate client;
    private final CheckSteps steps;
    private final SmtpProbe probe;
    private boolean greetingRead;
    /** What the server presented in the handshake, trusted or not. */
    private final RecordingTrustManager.Chain chain = new RecordingTrustManager.Chain();
    /** What the ehlo step judges: the reply after TLS, or the plain one when the check goes on without TLS. */
    private EhloCapabilities capabilities;

    /**
     * @param trust  the trust of smtp.truststore.path, or null for the JVM's default
     * @param client the client certificate of smtp.keystore.path, or null for none
     */
    ProbeSteps(SmtpSettings settings, X509TrustManager trust, ClientCertificate client, CheckSteps steps) {
        this.settings = settings;
        this.trust = trust;
        this.client = client;
        this.steps = steps;
        this.probe = new SmtpProbe(settings);
    }

    /** The chain the server presented in {@link #tls()}, leaf first, trusted or not; empty before (or without) TLS. */
    List<X509Certificate> presentedChain() {
        return chain.certificates();
    }

    /** TCP to {@code address} (the one sending connects to) at smtp.port. */
    boolean connect(InetAddress address) {
        steps.begin(CONNECT);
        long start = System.nanoTime();
        try {
            probe.connect(address);
        } catch (IOException e) {
            return steps.fail(SmtpFailures.network(e, settings, Finding.permanent("Cannot connect to "
                    + settings.server() + " (" + e + ").", SmtpSettings.PORT, CheckSteps.GENERIC_FIX)),
                    List.of("address tried: " + address.getHostAddress() + ":" + settings.port));
        }
        long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
        return steps.pass("Connected to " + address.getHostAddress() + ":" + settings.port + " in " + ms + " ms", List.of());
    }

    /** TLS as sending uses it: from the first byte, after STARTTLS, or (a warning) none. */
    boolean tls() {
        steps.begin(TLS);
        if (settings.ssl) {
            return handshake("from the first byte (smtp.ssl=true)");
        }
        if (!settings.starttls) {
            return steps.warn("No TLS: smtp.ssl and smtp.starttls are both false, so the login and the mail travel"
                    + " unencrypted.", List.of(), "For a server on the internet set smtp.starttls=true (port 587) or"
                            + " smtp.ssl=true (port 465), and smtp.requiretls=true; plain SMTP is only for a trusted local relay.");
        }
        try {
            EhloCapabilities plain = greeting() ? ehloCommand() : null;
            if (plain == null) {
                return false;
            }
            if (!plain.offers("STARTTLS")) {
                return withoutStartTls(plain);
            }
            if (!startTls()) {
                return false;
            }
        } catch (IOException e) {
            return failIo(e);
        }
        return handshake("after STARTTLS");
    }

    /** The server offers no STARTTLS: a failure, or with smtp.requiretls=false a warning and the check goes on in plain text. */
    private boolean withoutStartTls(EhloCapabilities plain) {
        if (settings.requireTls) {
            return steps.fail(SmtpFailures.noStartTls(settings), plain.lines());
        }
        capabilities = plain;
        return steps.warn("The server " + settings.server() + " does not offer STARTTLS; with smtp.requiretls=false sending"
                + " goes on unencrypted (and so does this check): the login and the mail travel in plain text.",
                plain.lines(), SmtpFailures.noStartTls(settings).fix + " Once the server offers STARTTLS, set smtp.requiretls=true.");
    }

    /** STARTTLS; the server must answer 220. */
    private boolean startTls() throws IOException {
        SmtpProbe.Reply reply = probe.command("STARTTLS");
        return reply.code == 220 || steps.fail(SmtpFailures.startTlsRefused(reply.toString(), settings), List.of());
    }

    /** The handshake with the trust sending uses; the presented chain is listed either way. */
    private boolean handshake(String how) {
        X509TrustManager base;
        try {
            base = trust != null ? trust : TrustStores.jvmDefault();
        } catch (GeneralSecurityException e) {
            return steps.fail(Finding.permanent("The JVM's default truststore cannot be loaded (" + e.getMessage() + ").",
                    SmtpSettings.TRUSTSTORE_PATH, "Check javax.net.ssl.trustStore, or set smtp.truststore.path."), List.of());
        }
        SSLSession session;
        try {
            session = probe.handshake(TrustStores.context(client, RecordingTrustManager.wrap(base, chain)).getSocketFactory());
        } catch (IOException e) {
            List<String> details = chain.describe();
            if (chain.isSingleSelfSigned()) {
                details.add("the server presents a single self-signed certificate: trust that certificate itself");
            }
            details.add("trust: " + TrustStores.describe(trust, settings));
            if (client != null) {
                details.add(client.describe(settings));
            }
            return steps.fail(SmtpFailures.network(e, settings, SmtpFailures.handshakeFailed(e.toString(), settings)),
                    details);
        }
        List<String> details = chain.describe();
        details.add("trusted by: " + TrustStores.describe(trust, settings));
        if (client != null) {
            details.add(client.describe(settings));
        }
        return steps.pass(session.getProtocol() + " with " + session.getCipherSuite() + ", " + how + "; "
                + SmtpFailures.verifiedFor(settings), details);
    }

    /** EHLO (over TLS when there is TLS): the server must offer a login mechanism that the settings use. */
    boolean ehlo() {
        steps.begin(EHLO);
        try {
            // smtps and plain connections are greeted now; after STARTTLS the greeting was before TLS
            if (capabilities == null && (greetingRead || greeting())) {
                capabilities = ehloCommand();
            }
            if (capabilities == null) {
                return false;
            }
        } catch (IOException e) {
            return failIo(e);
        }
        List<String> details = capabilities.lines();
        String mechanisms = capabilities.authMechanisms();
        if (settings.oauth && !Xoauth2.offered(mechanisms)) {
            return steps.fail(SmtpFailures.xoauth2NotOffered(mechanisms, settings), details);
        }
        if (!settings.oauth && settings.user != null && EhloCapabilities.passwordMechanism(mechanisms) == null) {
            return steps.fail(SmtpFailures.passwordLoginNotOffered(mechanisms, settings), details);
        }
        probe.quit();
        return steps.pass("The server " + settings.server() + " answered EHLO" + (probe.isSecure() ? " over TLS" : "")
                + (mechanisms == null ? "; it offers no AUTH" : "; AUTH " + mechanisms), details);
    }

    /** Reads the server's greeting: it must be 220. */
    private boolean greeting() throws IOException {
        SmtpProbe.Reply greeting = probe.read();
        greetingRead = true;
        return greeting.code == 220 || steps.fail(Finding.permanent("The server " + settings.server() + " did not accept"
                + " the connection: " + greeting, SmtpSettings.HOST, "Check smtp.host and smtp.port: the server refuses"
                        + " this machine, or it is not an SMTP server ready to take mail (its reply says which)."), List.of());
    }

    /** EHLO; null (a failure recorded) when the server refuses it. */
    private EhloCapabilities ehloCommand() throws IOException {
        SmtpProbe.Reply reply = probe.command("EHLO " + probe.ehloName());
        if (reply.code != 250) {
            steps.fail(Finding.permanent("The server " + settings.server() + " refused EHLO: " + reply, SmtpSettings.HOST,
                    "Check that smtp.host and smtp.port point at a mail submission service (ESMTP, usually port 587 or 465)."),
                    List.of());
            return null;
        }
        return EhloCapabilities.of(reply);
    }

    private boolean failIo(IOException e) {
        if (e instanceof SmtpProbe.NotSmtpException) {
            return steps.fail(SmtpFailures.notSmtp(e.getMessage(), settings), List.of());
        }
        return steps.fail(SmtpFailures.network(e, settings, Finding.permanent("The conversation with "
                + settings.server() + " failed (" + e + ").", null, CheckSteps.GENERIC_FIX)), List.of());
    }

    @Override
    public void close() {
        probe.close();
    }
}
