package dev.mailer.core.impl;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import javax.net.ssl.SSLSession;
import javax.net.ssl.X509TrustManager;

import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.OAuthConfigurationProvider;
import dev.mailer.api.SendResult;
import dev.mailer.api.check.CheckReport;
import dev.mailer.api.check.CheckStep;
import dev.mailer.api.check.CheckStep.Outcome;
import dev.mailer.api.oauth.OAuthTokenManager;
import dev.mailer.api.oauth.TokenStatus;
import dev.mailer.commons.config.InvalidConfigurationException;
import dev.mailer.core.impl.SmtpFailures.Finding;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/**
 * One run of the connection check ({@link dev.mailer.api.check.ConnectionCheck}) with the mail
 * service's current settings, trust and sender: configuration, dns, connect, tls, ehlo (a bare
 * SMTP conversation, {@link SmtpProbe}), then token, auth and sender on a connection made exactly
 * as a send makes it ({@link SmtpSender#converse}), and send when asked to. Stops at the first
 * failure. The texts of failures that sending reports too come from {@link SmtpFailures}. No step
 * text contains a password or token. Used once, by one thread; each run has its own connections.
 */
final class ConnectionDiagnosis {

    static final String CONFIGURATION = "configuration";
    static final String DNS = "dns";
    static final String CONNECT = "connect";
    static final String TLS = "tls";
    static final String EHLO = "ehlo";
    static final String TOKEN = "token";
    static final String AUTH = "auth";
    static final String SENDER = "sender";
    static final String SEND = "send";

    static final String TEST_SUBJECT = "Mailer connection check";

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionDiagnosis.class);

    private static final String GENERIC_FIX = "Check smtp.host and smtp.port and the server's health, then run the check"
            + " again; debug.email=true logs the SMTP dialogue (credentials redacted).";

    /** The OAuth token source, as sending finds it (waiting a bounded time for it to appear). */
    @FunctionalInterface
    interface OAuthProviderSource {
        OAuthConfigurationProvider await() throws MailException;
    }

    private final SmtpSettings settings;
    private final InvalidConfigurationException invalid;
    private final X509TrustManager trust;
    private final SmtpSender sender;
    private final OAuthProviderSource oauthSource;
    private final Supplier<OAuthTokenManager> tokenManager;

    private final List<CheckStep> steps = new ArrayList<>();
    /** Values never to show in a step: the password, the truststore password, the tokens seen. */
    private final Set<String> secrets = new LinkedHashSet<>();
    private String current = CONFIGURATION;
    private SmtpProbe probe;
    private InetAddress[] addresses;
    private boolean greetingRead;
    /** The EHLO reply the ehlo step judges: after TLS, or the plain one when there is no TLS. */
    private SmtpProbe.Reply capabilities;
    private OAuthConfigurationProvider provider;

    /**
     * @param settings     the validated settings, or null when the configuration is invalid
     * @param invalid      why the configuration is invalid, when {@code settings} is null
     * @param trust        the trust of smtp.truststore.path, or null for the JVM's default
     * @param sender       the sending path of these settings (null when invalid)
     * @param oauthSource  the token provider as sending waits for it
     * @param tokenManager the token provider's operator interface, if one is bound (for token details only)
     */
    ConnectionDiagnosis(SmtpSettings settings, InvalidConfigurationException invalid, X509TrustManager trust, SmtpSender sender,
            OAuthProviderSource oauthSource, Supplier<OAuthTokenManager> tokenManager) {
        this.settings = settings;
        this.invalid = invalid;
        this.trust = trust;
        this.sender = sender;
        this.oauthSource = oauthSource;
        this.tokenManager = tokenManager;
        if (settings != null) {
            secrets.add(settings.password);
            secrets.add(settings.truststorePassword);
        }
    }

    /** Runs the steps; a failure is a step of the report, never thrown. */
    CheckReport run(String sendTo) {
        try {
            boolean passed = configuration() && dns() && connect() && tls() && ehlo() && token() && authAndSender() && send(sendTo);
            LOG.debug("Connection check {}", passed ? "passed" : "failed");
        } catch (RuntimeException e) {
            LOG.warn("Connection check: unexpected failure in step {}", current, e);
            fail(Finding.permanent("Unexpected " + e.getClass().getName() + ": " + e.getMessage(), null,
                    "See the log of " + ConnectionDiagnosis.class.getName() + ". " + GENERIC_FIX), List.of());
        } finally {
            if (probe != null) {
                probe.close();
            }
        }
        CheckReport report = new CheckReport(redacted(steps));
        report.getFailure().ifPresentOrElse(
                f -> LOG.info("Connection check of {} failed at step {}: {}", server(), f.getName(), f.getSummary()),
                () -> LOG.info("Connection check of {} passed: {}", server(),
                        steps.stream().map(s -> s.getName() + " " + s.getOutcome()).collect(Collectors.joining(", "))));
        return report;
    }

    // ---- 1. configuration -------------------------------------------------------------------

    private boolean configuration() {
        current = CONFIGURATION;
        if (settings == null) {
            return fail(Finding.permanent(invalid.getMessage(), invalid.firstProperty(),
                    "Fix " + invalid.firstProperty() + " (and every other property named) in the configuration of "
                            + DefaultMailService.PID + ": its .cfg.json file, environment variables and secret files."),
                    List.of());
        }
        List<String> details = new ArrayList<>();
        details.add("timeouts: smtp.timeout.connect=" + settings.connectTimeoutMs + " ms, smtp.timeout.read="
                + settings.readTimeoutMs + " ms, smtp.timeout.write=" + settings.writeTimeoutMs + " ms");
        details.add("trust: " + trustSource());
        if (settings.oauth) {
            details.add("oauth.flow=true: the access token comes from the OAuthConfigurationProvider (step " + TOKEN + ")");
        }
        if (settings.debug) {
            details.add("debug.email=true: the SMTP dialogue of this check is logged, credentials redacted");
        }
        String summary = settings.server() + ", " + tlsMode() + ", " + authMode() + ", from " + settings.fromAddress;
        if (settings.port == 465 && !settings.ssl) {
            return warn(summary, details, "smtp.port is 465 but smtp.ssl is false: port 465 expects TLS from the first byte."
                    + " Set smtp.ssl=true and smtp.starttls=false, or use port 587 with smtp.starttls=true.");
        }
        return pass(summary, details);
    }

    private String tlsMode() {
        if (settings.ssl) {
            return "TLS from the first byte (smtp.ssl)";
        }
        if (settings.starttls) {
            return settings.requireTls ? "STARTTLS required" : "STARTTLS if offered (smtp.requiretls=false)";
        }
        return "no TLS";
    }

    private String authMode() {
        if (settings.oauth) {
            return "XOAUTH2 as " + settings.user;
        }
        return settings.user == null ? "no authentication" : "password as " + settings.user;
    }

    private String trustSource() {
        return trust == null ? "the JVM's default truststore (javax.net.ssl.trustStore or the JDK's cacerts)"
                : "smtp.truststore.path=" + settings.truststorePath + " (" + settings.truststoreType + ")";
    }

    // ---- 2. dns -------------------------------------------------------------------------------

    private boolean dns() {
        current = DNS;
        try {
            addresses = InetAddress.getAllByName(settings.host);
        } catch (UnknownHostException e) {
            return fail(orElse(SmtpFailures.network(e, settings), Finding.permanent("The SMTP host " + settings.host
                    + " cannot be resolved.", SmtpSettings.HOST, "Check smtp.host.")), List.of("lookup: " + e.getMessage()));
        }
        List<String> details = new ArrayList<>();
        if (addresses.length > 1) {
            details.add("sending connects to the first address, " + addresses[0].getHostAddress() + ", and so does this check");
        }
        return pass(settings.host + " resolves to "
                + Arrays.stream(addresses).map(InetAddress::getHostAddress).collect(Collectors.joining(", ")), details);
    }

    // ---- 3. connect ---------------------------------------------------------------------------

    private boolean connect() {
        current = CONNECT;
        InetAddress address = addresses[0];
        probe = new SmtpProbe(settings);
        long start = System.nanoTime();
        try {
            probe.connect(address);
        } catch (IOException e) {
            return fail(orElse(SmtpFailures.network(e, settings), Finding.permanent("Cannot connect to " + settings.server()
                    + " (" + e + ").", SmtpSettings.PORT, GENERIC_FIX)),
                    List.of("address tried: " + address.getHostAddress() + ":" + settings.port));
        }
        long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
        return pass("Connected to " + address.getHostAddress() + ":" + settings.port + " in " + ms + " ms", List.of());
    }

    // ---- 4. tls -------------------------------------------------------------------------------

    private boolean tls() {
        current = TLS;
        if (settings.ssl) {
            return handshake("from the first byte (smtp.ssl=true)");
        }
        if (!settings.starttls) {
            return warn("No TLS: smtp.ssl and smtp.starttls are both false, so the login and the mail travel unencrypted.",
                    List.of(), "For a server on the internet set smtp.starttls=true (port 587) or smtp.ssl=true (port 465),"
                            + " and smtp.requiretls=true; plain SMTP is only for a trusted local relay.");
        }
        try {
            if (!greeting()) {
                return false;
            }
            SmtpProbe.Reply ehlo = ehloCommand();
            if (ehlo == null) {
                return false;
            }
            if (!offers(ehlo, "STARTTLS")) {
                if (settings.requireTls) {
                    return fail(SmtpFailures.noStartTls(settings), capabilityLines(ehlo));
                }
                capabilities = ehlo;
                return warn("The server " + settings.server() + " does not offer STARTTLS; with smtp.requiretls=false sending"
                        + " goes on unencrypted (and so does this check): the login and the mail travel in plain text.",
                        capabilityLines(ehlo), SmtpFailures.noStartTls(settings).fix
                                + " Once the server offers STARTTLS, set smtp.requiretls=true.");
            }
            SmtpProbe.Reply reply = probe.command("STARTTLS");
            if (reply.code != 220) {
                return fail(Finding.permanent("The server " + settings.server() + " offers STARTTLS but refused it: " + reply,
                        SmtpSettings.STARTTLS, "Check smtp.host and smtp.port; for port 465 set smtp.ssl=true and"
                                + " smtp.starttls=false."), List.of());
            }
        } catch (IOException e) {
            return failIo(e);
        }
        return handshake("after STARTTLS");
    }

    private boolean handshake(String how) {
        X509TrustManager base;
        try {
            base = trust != null ? trust : TrustStores.jvmDefault();
        } catch (GeneralSecurityException e) {
            return fail(Finding.permanent("The JVM's default truststore cannot be loaded (" + e.getMessage() + ").",
                    SmtpSettings.TRUSTSTORE_PATH, "Check javax.net.ssl.trustStore, or set smtp.truststore.path."), List.of());
        }
        RecordingTrustManager.Chain chain = new RecordingTrustManager.Chain();
        SSLSession session;
        try {
            session = probe.handshake(TrustStores.context(RecordingTrustManager.wrap(base, chain)).getSocketFactory());
        } catch (IOException e) {
            List<String> details = chainLines(chain.certificates());
            if (chain.certificates().size() == 1 && isSelfSigned(chain.certificates().get(0))) {
                details.add("the server presents a single self-signed certificate: trust that certificate itself");
            }
            details.add("trust: " + trustSource());
            return fail(orElse(SmtpFailures.network(e, settings), Finding.permanent("The TLS handshake with " + settings.server()
                    + " failed (" + e + ").", SmtpSettings.TRUSTSTORE_PATH, "Check that the server supports TLS 1.2 or newer and"
                            + " that its certificate is trusted (smtp.truststore.path).")), details);
        }
        List<String> details = chainLines(chain.certificates());
        details.add("trusted by: " + trustSource());
        return pass(session.getProtocol() + " with " + session.getCipherSuite() + ", " + how + "; the certificate is trusted"
                + " and issued for " + settings.host, details);
    }

    private static List<String> chainLines(List<X509Certificate> chain) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            lines.add("certificate " + (i + 1) + ": subject " + c.getSubjectX500Principal().getName() + "; issuer "
                    + c.getIssuerX500Principal().getName() + "; not after "
                    + c.getNotAfter().toInstant().truncatedTo(ChronoUnit.SECONDS));
        }
        return lines;
    }

    private static boolean isSelfSigned(X509Certificate c) {
        if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
            return false;
        }
        try {
            c.verify(c.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    // ---- 5. ehlo ------------------------------------------------------------------------------

    private boolean ehlo() {
        current = EHLO;
        try {
            if (capabilities == null) {
                // smtps and plain connections are greeted now; after STARTTLS the greeting was before TLS
                if (!greetingRead && !greeting()) {
                    return false;
                }
                capabilities = ehloCommand();
                if (capabilities == null) {
                    return false;
                }
            }
        } catch (IOException e) {
            return failIo(e);
        }
        List<String> details = capabilityLines(capabilities);
        String mechanisms = authMechanisms(capabilities);
        if (settings.oauth && !Xoauth2.offered(mechanisms)) {
            return fail(SmtpFailures.xoauth2NotOffered(mechanisms, settings), details);
        }
        if (!settings.oauth && settings.user != null && passwordMechanism(mechanisms) == null) {
            return fail(SmtpFailures.passwordLoginNotOffered(mechanisms, settings), details);
        }
        probe.quit();
        return pass("The server " + settings.server() + " answered EHLO" + (probe.isSecure() ? " over TLS" : "")
                + (mechanisms == null ? "; it offers no AUTH" : "; AUTH " + mechanisms), details);
    }

    /** Reads the server's greeting: it must be 220. */
    private boolean greeting() throws IOException {
        SmtpProbe.Reply greeting = probe.read();
        greetingRead = true;
        if (greeting.code != 220) {
            return fail(Finding.permanent("The server " + settings.server() + " did not accept the connection: " + greeting,
                    SmtpSettings.HOST, "Check smtp.host and smtp.port: the server refuses this machine, or it is not an SMTP"
                            + " server ready to take mail (its reply says which)."), List.of());
        }
        return true;
    }

    /** EHLO; null (a FAIL recorded) when the server refuses it. */
    private SmtpProbe.Reply ehloCommand() throws IOException {
        SmtpProbe.Reply reply = probe.command("EHLO " + probe.ehloName());
        if (reply.code != 250) {
            fail(Finding.permanent("The server " + settings.server() + " refused EHLO: " + reply, SmtpSettings.HOST,
                    "Check that smtp.host and smtp.port point at a mail submission service (ESMTP, usually port 587 or 465)."),
                    List.of());
            return null;
        }
        return reply;
    }

    /** The EHLO keywords after the greeting line, e.g. {@code AUTH PLAIN LOGIN}, {@code SIZE 35882577}. */
    private static List<String> capabilityLines(SmtpProbe.Reply ehlo) {
        List<String> texts = ehlo.texts();
        return new ArrayList<>(texts.subList(1, texts.size()));
    }

    private static boolean offers(SmtpProbe.Reply ehlo, String keyword) {
        return capabilityLines(ehlo).stream().anyMatch(l -> l.split(" ", 2)[0].equalsIgnoreCase(keyword));
    }

    /** The AUTH mechanisms as Angus reads them ("AUTH x y" and the old "AUTH=x y"); null when none. */
    static String authMechanisms(SmtpProbe.Reply ehlo) {
        Set<String> mechanisms = new LinkedHashSet<>();
        for (String line : capabilityLines(ehlo)) {
            String upper = line.toUpperCase(Locale.ROOT);
            if (upper.startsWith("AUTH ") || upper.startsWith("AUTH=")) {
                for (String m : line.substring(5).strip().split("\\s+")) {
                    if (!m.isEmpty()) {
                        mechanisms.add(m.toUpperCase(Locale.ROOT));
                    }
                }
            }
        }
        return mechanisms.isEmpty() ? null : String.join(" ", mechanisms);
    }

    /** The mechanism Angus picks for a password: the first of PLAIN, LOGIN (its configured order) the server offers. */
    private static String passwordMechanism(String mechanisms) {
        if (mechanisms == null) {
            return null;
        }
        List<String> offered = Arrays.asList(mechanisms.toUpperCase(Locale.ROOT).split("\\s+"));
        return offered.contains("PLAIN") ? "PLAIN" : offered.contains("LOGIN") ? "LOGIN" : null;
    }

    // ---- 6. token -----------------------------------------------------------------------------

    private boolean token() {
        if (!settings.oauth) {
            return true;
        }
        current = TOKEN;
        TokenStatus status;
        try {
            provider = oauthSource.await();
        } catch (MailException e) {
            return fail(e, List.of());
        }
        String token;
        try {
            token = provider.getAccessToken();
        } catch (MailException e) {
            status = status();
            return fail(e, status == null ? List.of() : statusLines(status, false));
        }
        if (token == null || token.isBlank()) {
            return fail(Finding.permanent("The OAuthConfigurationProvider returned no access token.", SmtpSettings.OAUTH,
                    "Check the OAuth provider's settings (tokenUrl, clientId, clientSecret, scopes, grantType) and its log."),
                    List.of());
        }
        secrets.add(token);
        status = status();
        if (status == null) {
            return pass("Access token obtained for smtp.user=" + settings.user, List.of("no OAuthTokenManager service is"
                    + " registered, so grant type, expiry and scopes cannot be shown"));
        }
        String expiry = status.getExpiresAt().map(t -> ", expires " + t.truncatedTo(ChronoUnit.SECONDS)).orElse("");
        String scopes = status.getGrantedScopes().map(s -> ", scopes " + s).orElse("");
        return pass("Access token obtained for smtp.user=" + settings.user + " (grant " + status.getGrantType() + expiry + scopes
                + ")", statusLines(status, true));
    }

    private TokenStatus status() {
        OAuthTokenManager manager = tokenManager.get();
        if (manager == null) {
            return null;
        }
        try {
            return manager.getStatus();
        } catch (RuntimeException e) {
            LOG.debug("OAuthTokenManager.getStatus() failed", e);
            return null;
        }
    }

    private static List<String> statusLines(TokenStatus status, boolean withToken) {
        List<String> lines = new ArrayList<>();
        lines.add("grant type: " + status.getGrantType());
        if (status.getClientId() != null) {
            lines.add("client id: " + status.getClientId());
        }
        if (status.getTokenUrl() != null) {
            lines.add("token endpoint: " + status.getTokenUrl());
        }
        if (!status.getRequestedScopes().isEmpty()) {
            lines.add("requested scopes: " + String.join(" ", status.getRequestedScopes()));
        }
        if (withToken) {
            status.getGrantedScopes().ifPresent(s -> lines.add("granted scopes: " + s));
            status.getExpiresAt().ifPresent(t -> lines.add("expires at: " + t.truncatedTo(ChronoUnit.SECONDS) + " (in "
                    + Math.max(0, Duration.between(Instant.now(), t).toMinutes()) + " min)"));
        }
        lines.add("refresh token: " + status.getRefreshTokenSource().getDescription());
        return lines;
    }

    // ---- 7. auth and 8. sender ----------------------------------------------------------------

    private boolean authAndSender() {
        String address;
        try {
            address = new InternetAddress(settings.fromAddress, true).getAddress();
        } catch (AddressException e) {
            current = SENDER;
            return fail(Finding.permanent("from.address=" + settings.fromAddress + " is not a valid address.", SmtpSettings.FROM,
                    "Set from.address to a mail address."), List.of());
        }
        if (settings.user == null) {
            skipped(AUTH, "No authentication configured (smtp.user is not set).");
            current = SENDER;
        } else {
            current = AUTH;
        }
        SenderTest test = new SenderTest(address);
        SmtpProbe.Reply reply;
        try {
            reply = sender.converse(provider, test);
        } catch (MailException e) {
            if (test.authenticated && current.equals(AUTH)) {
                authenticated(test);
                current = SENDER;
            }
            return fail(e, List.of());
        }
        if (current.equals(AUTH)) {
            authenticated(test);
            current = SENDER;
        }
        if (reply.code != 250) {
            return fail(SmtpFailures.senderRefused(reply.code, reply.toString(), settings), List.of());
        }
        List<String> details = new ArrayList<>();
        details.add("Some providers (Office 365) check Send-As rights only after the message data: run the check with"
                + " --send-to ADDRESS to send a test message, the complete test.");
        if (settings.user != null && settings.user.contains("@") && !address.equalsIgnoreCase(settings.user)) {
            details.add("from.address differs from smtp.user=" + settings.user + ": the provider must allow smtp.user to"
                    + " send as " + address + " (Send-As)");
        }
        return pass("MAIL FROM:<" + address + "> accepted: " + reply, details);
    }

    private void authenticated(SenderTest test) {
        String mechanism = settings.oauth ? "XOAUTH2" : passwordMechanism(test.mechanisms);
        pass(AUTH, "Logged in as smtp.user=" + settings.user + " with " + (settings.oauth ? "an OAuth2 access token" : "the password")
                + (mechanism == null ? "" : " (AUTH " + mechanism + ")"), List.of());
    }

    /** On the authenticated connection: MAIL FROM, then RSET; nothing is sent. */
    private static final class SenderTest implements SmtpSender.Conversation<SmtpProbe.Reply> {
        private final String address;
        private volatile boolean authenticated;
        private volatile String mechanisms;

        SenderTest(String address) {
            this.address = address;
        }

        @Override
        public SmtpProbe.Reply converse(SMTPTransport transport) throws MessagingException {
            authenticated = true;
            mechanisms = transport.getExtensionParameter("AUTH");
            int code = transport.simpleCommand("MAIL FROM:<" + address + ">");
            String text = String.valueOf(transport.getLastServerResponse()).strip();
            if (code == 250) {
                transport.simpleCommand("RSET");
            }
            return new SmtpProbe.Reply(code, List.of(text));
        }
    }

    // ---- 9. send ------------------------------------------------------------------------------

    private boolean send(String sendTo) {
        if (sendTo == null) {
            return true;
        }
        current = SEND;
        Email email;
        try {
            email = Email.builder().to(sendTo).subject(TEST_SUBJECT).header("Auto-Submitted", "auto-generated")
                    .text("This is a test message of the mailer connection check (mailer check --send-to).\r\n\r\n"
                            + "Sent through " + settings.server() + " from " + localHostName() + " at "
                            + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " as from.address=" + settings.fromAddress
                            + ".\r\nNo reply is needed.\r\n")
                    .build();
        } catch (IllegalArgumentException e) {
            return fail(Finding.permanent("'" + sendTo + "' is not a valid recipient address (" + e.getMessage() + ").", null,
                    "Give --send-to one mail address, e.g. --send-to you@example.com."), List.of());
        }
        SendResult result;
        try {
            result = sender.send(email, provider);
        } catch (MailException e) {
            return fail(e, List.of());
        }
        return pass("A test message to " + sendTo + " was accepted: " + result.getServerReply(),
                List.of("Message-ID: " + result.getMessageId(), "subject: " + TEST_SUBJECT));
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException | SecurityException e) {
            return "this host";
        }
    }

    // ---- recording ----------------------------------------------------------------------------

    private boolean pass(String summary, List<String> details) {
        return pass(current, summary, details);
    }

    private boolean pass(String name, String summary, List<String> details) {
        steps.add(new CheckStep(name, Outcome.PASS, summary, details, null));
        return true;
    }

    private boolean warn(String summary, List<String> details, String fix) {
        steps.add(new CheckStep(current, Outcome.WARN, summary, details, fix));
        return true;
    }

    private void skipped(String name, String summary) {
        steps.add(new CheckStep(name, Outcome.SKIPPED, summary, List.of(), null));
    }

    private boolean fail(Finding finding, List<String> details) {
        steps.add(new CheckStep(current, Outcome.FAIL, finding.summary, details,
                finding.fix != null ? finding.fix : defaultFix(finding.setting)));
        return false;
    }

    /** A failure the sending path reported: its summary and server reply, and its diagnosis as the fix. */
    private boolean fail(MailException e, List<String> details) {
        String message = String.valueOf(e.getMessage());
        String diagnosis = e.getDiagnosis().orElse(null);
        String summary = diagnosis != null && message.endsWith(" " + diagnosis)
                ? message.substring(0, message.length() - diagnosis.length() - 1) : message;
        steps.add(new CheckStep(current, Outcome.FAIL, summary, details,
                diagnosis != null ? diagnosis : defaultFix(e.getSetting().orElse(null))));
        return false;
    }

    private boolean failIo(IOException e) {
        if (e instanceof SmtpProbe.NotSmtpException) {
            return fail(Finding.permanent("The server at " + settings.server() + " does not answer like an SMTP server ("
                    + e.getMessage() + ").", SmtpSettings.PORT, "Check smtp.host and smtp.port"
                            + (settings.ssl ? "; smtp.ssl=true is for port 465 (TLS from the first byte)"
                                    : "; port 465 expects smtp.ssl=true and smtp.starttls=false") + "."),
                    List.of());
        }
        return fail(orElse(SmtpFailures.network(e, settings), Finding.permanent("The conversation with " + settings.server()
                + " failed (" + e + ").", null, GENERIC_FIX)), List.of());
    }

    private static String defaultFix(String setting) {
        return setting == null ? GENERIC_FIX : "Check " + setting + ". " + GENERIC_FIX;
    }

    private static Finding orElse(Finding finding, Finding fallback) {
        return finding != null ? finding : fallback;
    }

    private String server() {
        return settings == null ? "(invalid configuration)" : settings.server();
    }

    /** The steps with every known secret replaced, whatever a provider or server put into a text. */
    private List<CheckStep> redacted(List<CheckStep> original) {
        List<String> known = secrets.stream().filter(s -> s != null && !s.isBlank()).collect(Collectors.toList());
        if (known.isEmpty()) {
            return original;
        }
        List<CheckStep> result = new ArrayList<>(original.size());
        for (CheckStep step : original) {
            List<String> details = step.getDetails().stream().map(d -> redact(d, known)).collect(Collectors.toList());
            result.add(new CheckStep(step.getName(), step.getOutcome(), redact(step.getSummary(), known), details,
                    step.getFix() == null ? null : redact(step.getFix(), known)));
        }
        return result;
    }

    private static String redact(String text, List<String> secrets) {
        String result = text;
        for (String secret : secrets) {
            result = result.replace(secret, RedactingDebugLog.REDACTED);
        }
        return result;
    }
}
