package dev.mailer.api.check;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Checks the configured path to the SMTP server one step at a time and says, for the first step
 * that fails, why and what to change. Registered by the mail service next to
 * {@link dev.mailer.api.MailService}; thread-safe.
 */
@ProviderType
public interface ConnectionCheck {

    /**
     * Runs the steps in order and stops at the first failure. Sends nothing unless
     * {@code sendTo} is given; then, after every other step passed, sends one test message
     * to it through the mail service's own path.
     *
     * @param sendTo a recipient address for a test message, or null to send nothing
     * @return the steps that ran, never null; a step's failure is reported in it, not thrown
     */
    CheckReport run(String sendTo);

    /**
     * The first step of {@link #run(String)} alone: whether the configuration the mail service runs
     * with is valid, and what it says. No network I/O, so it answers at once (for health checks).
     *
     * @return the {@code configuration} step: PASS, WARN, or FAIL with the properties to fix
     * @since 1.1
     */
    CheckStep checkConfiguration();

    /**
     * Connects as {@link #run(String)} does (smtp.host, smtp.port, implicit TLS or STARTTLS) up to
     * the TLS handshake and returns the certificate chain the server presented, trusted or not: for
     * an operator to inspect and decide what to trust. Logs in to nothing and sends nothing.
     *
     * @return the presented chain, the server's certificate first, never empty
     * @throws IOException when the server presented no chain (invalid configuration, no connection,
     *         no TLS); the message is the failing step's summary and fix
     * @since 1.2
     */
    List<X509Certificate> presentedChain() throws IOException;
}
