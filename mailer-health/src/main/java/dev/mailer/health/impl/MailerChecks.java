package dev.mailer.health.impl;

/** How our health checks are found, and what they look at: their tags and the names of our components. */
final class MailerChecks {

    /** Every health check of ours has it: {@code hc:exec mailer}, {@code /system/health/mailer}. */
    static final String TAG = "mailer";

    /** Felix's tag of the checks that decide whether the instance is ready (its SystemReady marker service). */
    static final String TAG_SYSTEM_READY = "systemready";

    /** The mail service of mailer-core: its component name and configuration PID. */
    static final String MAIL_SERVICE = "dev.mailer.core.impl.DefaultMailService";

    /** The OAuth2 token provider of mailer-oauth: its component name and configuration PID. */
    static final String TOKEN_PROVIDER = "dev.mailer.oauth.impl.OAuthConfigurationProviderImpl";

    /** The mail service property (AEM's name) that makes it authenticate with the token provider's tokens. */
    static final String OAUTH_FLOW = "oauth.flow";

    private MailerChecks() {
    }
}
