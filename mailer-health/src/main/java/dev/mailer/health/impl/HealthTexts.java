package dev.mailer.health.impl;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.mailer.api.check.CheckStep;

/**
 * Every text the health checks show: what was found and what to do about it. No text holds a secret:
 * they quote our components' own reports (which hold none) and never a configuration value.
 */
final class HealthTexts {

    private HealthTexts() {
    }

    // ---- configuration --------------------------------------------------------------------------------

    static String missing(String component, String bundle) {
        return "The component " + component + " is not there: install and start the " + bundle + " bundle.";
    }

    static String disabled(String component) {
        return "The component " + component + " is disabled: enable it (web console Components, or the scr:enable command).";
    }

    static String noMailConfiguration() {
        return "The mail service has no configuration: create " + MailerChecks.MAIL_SERVICE
                + ".cfg.json (smtp.host, from.address, ...); nothing can be sent until it exists.";
    }

    static String tokenProviderNotConfigured() {
        return "The OAuth2 token provider is not configured; the mail service does not use it (oauth.flow is false).";
    }

    static String oauthFlowWithoutProvider() {
        return "The mail service has oauth.flow=true, but the token provider has no configuration: create "
                + MailerChecks.TOKEN_PROVIDER + ".cfg.json (tokenUrl, clientId, scopes, ...), or set oauth.flow=false.";
    }

    static String unsatisfied(String component, String references) {
        return "The component " + component + " waits for services it needs: " + references
                + ". Install and start the bundles that provide them.";
    }

    static String activationFailed(String component, String failure) {
        return "The component " + component + " failed to activate" + (failure.isEmpty() ? "; see the log." : ": " + failure);
    }

    static String active(String component) {
        return "The component " + component + " is active.";
    }

    static String mailConfigurationStep(CheckStep step) {
        return "Mail service configuration: " + step.getSummary() + (step.getFix() == null ? "" : " Fix: " + step.getFix());
    }

    static String tokenProviderConfigurationInvalid(String error) {
        return "The token provider's configuration is invalid: " + error;
    }

    // ---- token ----------------------------------------------------------------------------------------

    static String tokenValid(Instant expiresAt, Duration left) {
        return "An access token is cached, valid until " + expiresAt + " (" + shown(left) + " from now).";
    }

    static String renewalFailedTokenStillValid(Instant failedAt, String error, Instant expiresAt) {
        return "Renewing the access token failed at " + failedAt + "; the current one is used until " + expiresAt
                + ", and renewal is tried again before then. The token endpoint said: " + error;
    }

    static String grantRefusedTokenStillValid(Instant failedAt, String error, Instant expiresAt) {
        return "The token endpoint refused the last token request, at " + failedAt + ", and retrying will not change that:"
                + " sending with OAuth2 stops when the current token expires at " + expiresAt + ". The token endpoint said: " + error;
    }

    static String noValidToken(Instant failedAt, String error) {
        return "No valid access token: the last token request, at " + failedAt + ", failed, so sending with OAuth2 fails."
                + " The token endpoint said: " + error;
    }

    static String noRefreshToken(String source) {
        return "No refresh token to obtain an access token with: " + source + ".";
    }

    static String noTokenYet(String grant, String source) {
        return "No access token is cached yet; the next send obtains one (grant " + grant + ", refresh token: " + source + ").";
    }

    static String lastRenewal(Instant at, Duration age) {
        return "Last access token obtained at " + at + " (" + shown(age) + " ago).";
    }

    static String noRenewalYet() {
        return "No access token was obtained since the token provider started.";
    }

    static String keepAliveDue(Duration keepAlive, Instant due) {
        return "Keep-alive every " + period(keepAlive) + " without token requests; the next is due at " + due + " unless a send comes first.";
    }

    static String keepAliveOverdue(Duration age, Duration keepAlive) {
        return "No token was obtained for " + shown(age) + ", longer than the keep-alive period keepAlive=" + period(keepAlive)
                + ": the keep-alive refresh is overdue. Check the log of the token provider; an unused refresh token dies"
                + " at the provider (Microsoft: 90 days).";
    }

    // ---- SMTP server ----------------------------------------------------------------------------------

    static String step(CheckStep step) {
        return step.getName() + " " + step.getOutcome() + ": " + step.getSummary() + (step.getFix() == null ? "" : " Fix: " + step.getFix());
    }

    static String checkPassed() {
        return "The SMTP server accepted the configured login and sender; nothing was sent.";
    }

    static String checkTimedOut(Duration timeout) {
        return "The connection check did not finish within " + timeout + " (its timeout): the SMTP server or the token endpoint"
                + " does not answer. Run 'mailer.jar check' (or mailer:check) to see which step hangs.";
    }

    static String checkError(Throwable e) {
        return "The connection check failed unexpectedly: " + e + "; see the log of dev.mailer.core.";
    }

    // ---- outbox ---------------------------------------------------------------------------------------

    static String outboxFigures(int depth, int dead, Duration oldest) {
        return depth + " message(s) to deliver, " + dead + " dead letter(s)"
                + (oldest == null ? "" : "; the oldest waits for " + shown(oldest)) + ".";
    }

    static String outboxDeep(int depth, int max) {
        return depth + " messages wait for delivery, more than depth.max=" + max
                + ": the server is slow or refuses them for now; 'mailer.jar queue' lists them with their last error.";
    }

    static String outboxOld(Duration oldest, Duration max) {
        return "The oldest message has waited " + shown(oldest) + ", longer than oldest.age.max=" + max
                + ": mail is not going out. 'mailer.jar queue' shows its last error.";
    }

    static String deadLetters(int dead, int max) {
        return dead + " dead letter(s), more than dead.max=" + max + ": these messages were not delivered."
                + " 'mailer.jar queue' shows why; then 'queue retry ID', 'queue retry --all-dead' or 'queue purge ID'.";
    }

    // ---- the checks' own settings ---------------------------------------------------------------------

    static String invalidSettings(String message) {
        return message + " The check cannot run until its configuration is fixed.";
    }

    /** A duration as ISO-8601 in whole seconds, as the settings are written (PT59M59S). */
    private static String shown(Duration duration) {
        return duration.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** A period of whole days as the keepAlive setting is written (P7D, not PT168H); others as {@link #shown}. */
    private static String period(Duration duration) {
        return !duration.isZero() && duration.equals(Duration.ofDays(duration.toDays())) ? "P" + duration.toDays() + "D" : shown(duration);
    }
}
