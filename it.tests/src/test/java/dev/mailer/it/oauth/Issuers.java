package dev.mailer.it.oauth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The issuers (tenants) of the test OAuth2 server, each a token endpoint {@code /<issuer>/token}
 * with its own token lifetime and claims. {@link OAuthServerHost} configures mock-oauth2-server
 * with them; {@link TokenRelay} sends each token request to the issuer a test chose. Plain Java,
 * used on both sides of Pax Exam (the driver and the probe inside Felix).
 *
 * <p>Claims as Exchange Online sees them: a delegated token (authorization code, refresh token) is
 * issued to the mailbox user, {@code sub} = {@link #MAILBOX}; an app-only token
 * (client credentials) to the application, {@code sub} = its client ID, which the SMTP server must
 * have granted the mailbox ({@code Add-MailboxPermission}).
 */
public enum Issuers {

    /** Tokens valid for an hour, as Entra ID issues them. */
    OFFICE365("office365", 3600, 0),
    /**
     * Tokens valid for 4 s. The server announces {@code expires_in} rounded down (3 or 4); the
     * provider renews min(renewBeforeExpirySeconds, expires_in / 2) = 1 or 2 s ahead: every 2 s.
     */
    SHORT("short", 4, 0),
    /** Tokens valid for 2 s. */
    EXPIRING("expiring", 2, 0),
    /** Tokens of about 2.3 KB (many group claims, as Entra ID puts into tokens of users in many groups). */
    LONG("long", 3600, 32);

    /** The mailbox of the tests (SMTP_USER); the subject of delegated tokens. */
    public static final String MAILBOX = "mailer-it";
    /** What the delegated tokens may do; the scope the SMTP server's error challenge names. */
    public static final String SMTP_SCOPE = "https://outlook.office.com/SMTP.Send";

    private final String id;
    private final long lifetimeSeconds;
    private final int groups;

    Issuers(String id, long lifetimeSeconds, int groups) {
        this.id = id;
        this.lifetimeSeconds = lifetimeSeconds;
        this.groups = groups;
    }

    public String id() {
        return id;
    }

    public long lifetimeSeconds() {
        return lifetimeSeconds;
    }

    /** mock-oauth2-server's JSON configuration: every issuer, and refresh-token rotation on. */
    public static String serverConfigJson() {
        List<String> callbacks = new ArrayList<>();
        for (Issuers issuer : values()) {
            callbacks.add(issuer.callbackJson());
        }
        return "{\"rotateRefreshToken\": true, \"tokenCallbacks\": [" + String.join(", ", callbacks) + "]}";
    }

    private String callbackJson() {
        StringBuilder groupClaim = new StringBuilder();
        for (int i = 0; i < groups; i++) {
            groupClaim.append(i == 0 ? "" : ", ").append('"')
                    .append(String.format(Locale.ROOT, "%08x-5e7a-4c1d-9b2f-%012x", 0x1a2b3c00 + i, 0xfeed0000L + i)).append('"');
        }
        String extra = groups == 0 ? "" : ", \"groups\": [" + groupClaim + "]";
        return "{\"issuerId\": \"" + id + "\", \"tokenExpiry\": " + lifetimeSeconds + ", \"requestMappings\": ["
                // app-only: the application itself
                + "{\"requestParam\": \"grant_type\", \"match\": \"client_credentials\", \"claims\": {"
                + "\"sub\": \"${clientId}\", \"appid\": \"${clientId}\", \"aud\": \"https://outlook.office365.com\","
                + " \"roles\": [\"SMTP.SendAsApp\"]" + extra + "}},"
                // delegated (authorization_code, refresh_token): the mailbox user
                + "{\"requestParam\": \"grant_type\", \"match\": \"*\", \"claims\": {"
                + "\"sub\": \"" + MAILBOX + "\", \"upn\": \"" + MAILBOX + "@example.org\", \"appid\": \"${clientId}\","
                + " \"aud\": \"https://outlook.office.com\", \"scp\": \"SMTP.Send\"" + extra + "}}"
                + "]}";
    }
}
