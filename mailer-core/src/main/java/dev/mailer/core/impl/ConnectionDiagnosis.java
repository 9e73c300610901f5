package dev.mailer.core.impl;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import javax.net.ssl.X509TrustManager;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.MailException;
import dev.mailer.api.OAuthConfigurationProvider;
import dev.mailer.api.check.CheckReport;
import dev.mailer.api.check.CheckStep;
import dev.mailer.api.oauth.OAuthTokenManager;
import dev.mailer.commons.config.InvalidConfigurationException;
import dev.mailer.core.impl.SmtpFailures.Finding;

/**
 * One run of the connection check ({@link dev.mailer.api.check.ConnectionCheck}) with the mail
 * service's current settings, trust and sender: configuration and dns here, then connect, tls and
 * ehlo on a bare SMTP conversation ({@link ProbeSteps}), then token, auth, sender and, when asked
 * to, send as a send does them ({@link AccountSteps}). Stops at the first failure; a failure is a
 * step of the report ({@link CheckSteps}), never thrown. The texts of failures that sending reports
 * too come from {@link SmtpFailures}. No step text contains a password or token. Used once, by one
 * thread; each run has its own connections.
 */
final class ConnectionDiagnosis {

    static final String CONFIGURATION = "configuration";
    static final String DNS = "dns";

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionDiagnosis.class);

    /** The OAuth token source, as sending finds it (waiting a bounded time for it to appear). */
    @FunctionalInterface
    interface OAuthProviderSource {
        OAuthConfigurationProvider await() throws MailException;
    }

    private final SmtpSettings settings;
    private final InvalidConfigurationException invalid;
    private final X509TrustManager trust;
    private final ClientCertificate client;
    private final SmtpSender sender;
    private final OAuthProviderSource oauthSource;
    private final Supplier<OAuthTokenManager> tokenManager;
    private final CheckSteps steps = new CheckSteps(CONFIGURATION);

    /**
     * @param settings     the validated settings, or null when the configuration is invalid
     * @param invalid      why the configuration is invalid, when {@code settings} is null
     * @param trust        the trust of smtp.truststore.path, or null for the JVM's default
     * @param client       the client certificate of smtp.keystore.path, or null for none
     * @param sender       the sending path of these settings (null when invalid)
     * @param oauthSource  the token provider as sending waits for it
     * @param tokenManager the token provider's operator interface, if one is bound (for token details only)
     */
    ConnectionDiagnosis(SmtpSettings settings, InvalidConfigurationException invalid, X509TrustManager trust, ClientCertificate client,
            SmtpSender sender,
            OAuthProviderSource oauthSource, Supplier<OAuthTokenManager> tokenManager) {
        this.settings = settings;
        this.invalid = invalid;
        this.trust = trust;
        this.client = client;
        this.sender = sender;
        this.oauthSource = oauthSource;
        this.tokenManager = tokenManager;
        if (settings != null) {
            steps.secret(settings.password);
            steps.secret(settings.truststorePassword);
            steps.secret(settings.keystorePassword);
        }
    }

    /** Runs the steps; a failure is a step of the report, never thrown. */
    CheckReport run(String sendTo) {
        try {
            InetAddress address = configuration() ? dns() : null;
            boolean passed = address != null && probe(address) && account(sendTo);
            LOG.debug("Connection check {}", passed ? "passed" : "failed");
        } catch (RuntimeException e) {
            LOG.warn("Connection check: unexpected failure in step {}", steps.current(), e);
            steps.fail(Finding.permanent("Unexpected " + e.getClass().getName() + ": " + e.getMessage(), null,
                    "See the log of " + ConnectionDiagnosis.class.getName() + ". " + CheckSteps.GENERIC_FIX), List.of());
        }
        CheckReport report = steps.report();
        report.getFailure().ifPresentOrElse(
                f -> LOG.info("Connection check of {} failed at step {}: {}", server(), f.getName(), f.getSummary()),
                () -> LOG.info("Connection check of {} passed: {}", server(), report.getSteps().stream()
                        .map(s -> s.getName() + " " + s.getOutcome()).collect(Collectors.joining(", "))));
        return report;
    }

    /**
     * The steps up to the TLS handshake, for the chain the server presents (recorded before trust
     * decides, so an untrusted chain is returned too).
     *
     * @throws IOException with the failing step's summary and fix when no chain was presented
     */
    List<X509Certificate> presentedChain() throws IOException {
        InetAddress address = configuration() ? dns() : null;
        if (address != null) {
            try (ProbeSteps probe = new ProbeSteps(settings, trust, client, steps)) {
                if (probe.connect(address)) {
                    probe.tls();
                }
                if (!probe.presentedChain().isEmpty()) {
                    return probe.presentedChain();
                }
            }
        }
        CheckStep failed = steps.report().getFailure().orElse(null);
        throw new IOException(failed == null ? "The server " + server() + " presented no TLS certificate: neither smtp.ssl"
                + " nor smtp.starttls is true." : "At step " + failed.getName() + ": " + failed.getSummary()
                + (failed.getFix() == null ? "" : " " + failed.getFix()));
    }

    /** The configuration step alone: no network I/O. */
    CheckStep configurationStep() {
        configuration();
        return steps.report().getSteps().get(0);
    }

    private boolean probe(InetAddress address) {
        try (ProbeSteps probe = new ProbeSteps(settings, trust, client, steps)) {
            return probe.connect(address) && probe.tls() && probe.ehlo();
        }
    }

    private boolean account(String sendTo) {
        AccountSteps account = new AccountSteps(settings, sender, steps);
        return account.token(oauthSource, tokenManager) && account.authAndSender() && account.send(sendTo);
    }

    // ---- configuration ------------------------------------------------------------------------

    private boolean configuration() {
        if (settings == null) {
            return steps.fail(Finding.permanent(invalid.getMessage(), invalid.firstProperty(),
                    "Fix " + invalid.firstProperty() + " (and every other property named) in the configuration of "
                            + DefaultMailService.PID + ": its .cfg.json file, environment variables and secret files."),
                    List.of());
        }
        List<String> details = new ArrayList<>();
        details.add("timeouts: smtp.timeout.connect=" + settings.connectTimeoutMs + " ms, smtp.timeout.read="
                + settings.readTimeoutMs + " ms, smtp.timeout.write=" + settings.writeTimeoutMs + " ms");
        details.add("trust: " + TrustStores.describe(trust, settings));
        if (client != null) {
            details.add(client.describe(settings));
        }
        if (settings.oauth) {
            details.add("oauth.flow=true: the access token comes from the OAuthConfigurationProvider (step "
                    + AccountSteps.TOKEN + ")");
        }
        if (settings.debug) {
            details.add("debug.email=true: the SMTP dialogue of this check is logged, credentials redacted");
        }
        String summary = settings.server() + ", " + tlsMode() + ", " + authMode() + ", from " + settings.fromAddress;
        String warning = SmtpFailures.port465WithoutSsl(settings);
        if (warning == null) {
            warning = SmtpFailures.sslWinsOverStartTls(settings);
        }
        return warning != null ? steps.warn(summary, details, warning) : steps.pass(summary, details);
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

    // ---- dns ----------------------------------------------------------------------------------

    /** The address sending connects to (the first of smtp.host's); null when it does not resolve (a failure recorded). */
    private InetAddress dns() {
        steps.begin(DNS);
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(settings.host);
        } catch (UnknownHostException e) {
            steps.fail(SmtpFailures.network(e, settings, Finding.permanent("The SMTP host " + settings.host
                    + " cannot be resolved.", SmtpSettings.HOST, "Check smtp.host.")), List.of("lookup: " + e.getMessage()));
            return null;
        }
        List<String> details = new ArrayList<>();
        if (addresses.length > 1) {
            details.add("sending connects to the first address, " + addresses[0].getHostAddress() + ", and so does this check");
        }
        steps.pass(settings.host + " resolves to "
                + Arrays.stream(addresses).map(InetAddress::getHostAddress).collect(Collectors.joining(", ")), details);
        return addresses[0];
    }

    private String server() {
        return settings == null ? "(invalid configuration)" : settings.server();
    }
}
