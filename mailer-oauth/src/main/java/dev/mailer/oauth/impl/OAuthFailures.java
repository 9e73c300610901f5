package dev.mailer.oauth.impl;

import dev.mailer.api.MailException;

/**
 * Turns token endpoint failures into {@link MailException}s that quote the OAuth {@code error}
 * and {@code error_description} and say what to do, for the errors Microsoft Entra ID and Google
 * are known to return.
 */
final class OAuthFailures {

    private OAuthFailures() {
    }

    static MailException toMailException(TokenEndpointException e, OAuthSettings settings) {
        String description = e.description == null ? "" : e.description;
        MailException.Builder b = e.isTransient()
                ? MailException.transientFailure("No OAuth2 access token: " + e.getMessage() + "; nothing was sent.")
                : MailException.permanentFailure("No OAuth2 access token: " + e.getMessage() + "; nothing was sent.");
        b.cause(e);
        if (e.error == null) {
            return b.setting(OAuthSettings.TOKEN_URL)
                    .diagnosis("Check tokenUrl, and that this machine reaches it (httpProxy if it needs a proxy;"
                            + " a PKIX error means the JVM does not trust the endpoint's certificate).")
                    .build();
        }
        if (description.contains("AADSTS500116") || description.contains("AADSTS70008") && description.contains("redirect")
                || description.contains("AADSTS50011")) {
            return b.setting(OAuthSettings.REDIRECT_URL)
                    .diagnosis("The redirect URI does not match the app registration: register authCodeRedirectUrl exactly"
                            + " (scheme, host, port, path) under Authentication > Redirect URIs, or fix authCodeRedirectUrl.")
                    .build();
        }
        switch (e.error) {
            case "invalid_grant":
                return b.setting(OAuthSettings.REFRESH_TOKEN)
                        .diagnosis(description.contains("AADSTS700082") || description.contains("expired")
                                ? "The refresh token has expired (unused for too long, or revoked): authorize again to get a"
                                        + " new one and put it in the secret behind refreshToken (e.g. oauth_refresh_token)."
                                : "The refresh token (or code) is not valid any more: it was revoked, the password changed,"
                                        + " consent was withdrawn, or it belongs to another client. Authorize again and put the new"
                                        + " refresh token in the secret behind refreshToken.")
                        .build();
            case "invalid_client":
            case "unauthorized_client":
                return b.setting(OAuthSettings.CLIENT_SECRET)
                        .diagnosis(description.contains("AADSTS7000222")
                                ? "The client secret has expired: create a new one (Azure: App registrations > Certificates &"
                                        + " secrets) and put it in the secret behind clientSecret."
                                : "The token endpoint does not accept this client: check clientId (the application ID of the"
                                        + " app registration, in the right tenant) and the client secret behind clientSecret"
                                        + " (Azure: Certificates & secrets; use the secret's Value, not its ID), and that the app"
                                        + " may use grantType=" + settings.grantType + ".")
                        .build();
            case "invalid_scope":
                return b.setting(OAuthSettings.SCOPES)
                        .diagnosis("Check scopes: Office 365 delegated: https://outlook.office.com/SMTP.Send offline_access;"
                                + " app-only: https://outlook.office365.com/.default; Gmail: https://mail.google.com/.")
                        .build();
            case "consent_required":
            case "interaction_required":
                return b.setting(OAuthSettings.SCOPES)
                        .diagnosis("The user or an admin must consent to the scopes first: grant admin consent for the app,"
                                + " or authorize again interactively.")
                        .build();
            default:
                return b.setting(OAuthSettings.TOKEN_URL)
                        .diagnosis(e.isTransient() ? "The token endpoint had a temporary problem; the send can be retried."
                                : "See the provider's documentation of this error.")
                        .build();
        }
    }
}
