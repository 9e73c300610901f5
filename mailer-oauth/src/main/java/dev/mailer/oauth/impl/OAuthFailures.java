package dev.mailer.oauth.impl;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import dev.mailer.api.MailException;
import dev.mailer.commons.crypto.CipherException;

/**
 * Turns OAuth failures into {@link MailException}s that quote the OAuth {@code error} and
 * {@code error_description} and say what to do, for the errors Microsoft Entra ID and Google are
 * known to return: failures to obtain a token for sending, and failures of the authorization flows
 * that bootstrap a refresh token. With {@link PasswordlessFailures} (the texts of the managed
 * identity, workload identity and static grants, and the diagnosis of Azure's identity errors),
 * the one source of the module's failure texts: also those of a {@link TokenEndpointException}
 * (an endpoint refused, cannot be reached, or gave no usable answer), which the
 * {@link MailException}s quote.
 */
final class OAuthFailures {

    /** What the operator runs to sign in as the mailbox; named wherever a refresh token is missing or dead. */
    static final String AUTHORIZE = "run `java -jar mailer.jar authorize` (`mailer:authorize` in the shell, or"
            + " /services/mailer/oauth2/authorize in a container with the sign-in servlets)";

    /** Which request failed: the same OAuth error means something else when refreshing and when authorizing. */
    private enum Purpose {
        SEND, AUTHORIZE
    }

    private OAuthFailures() {
    }

    /** A token request for sending (refresh or client credentials) failed. */
    static MailException toMailException(TokenEndpointException e, OAuthSettings settings) {
        return diagnose(start(e.isTransient(), "No OAuth2 access token: " + e.getMessage() + "; nothing was sent.").cause(e),
                e.isTransient(), e.error, e.description, e.endpointSetting, Purpose.SEND, settings);
    }

    /** A request of an authorization flow (code exchange, device authorization, device polling) failed. */
    static MailException authorizationFailure(TokenEndpointException e, OAuthSettings settings) {
        return diagnose(start(e.isTransient(), "The authorization did not complete: " + e.getMessage() + "; nothing was stored.")
                .cause(e), e.isTransient(), e.error, e.description, e.endpointSetting, Purpose.AUTHORIZE, settings);
    }

    /** The provider sent the browser back with {@code error} (and maybe {@code error_description}) instead of a code. */
    static MailException authorizationError(String error, String description, OAuthSettings settings) {
        boolean temporary = "temporarily_unavailable".equals(error) || "server_error".equals(error);
        return diagnose(start(temporary, "The provider refused the authorization: " + error
                + (description == null || description.isBlank() ? "" : " (" + description.strip() + ")") + "; nothing was stored."),
                temporary, error, description, OAuthSettings.AUTH_URL, Purpose.AUTHORIZE, settings);
    }

    /**
     * The log line of a failed keep-alive: the token request the upkeep made because no token was
     * obtained for {@code keepAlive} failed with {@code failure} (one of the texts above: the
     * provider's error and what to do).
     */
    static String keepAliveFailed(Duration keepAlive, MailException failure) {
        return "Keep-alive failed: no OAuth2 token was obtained for " + OAuthSettings.format(keepAlive) + " (keepAlive), and the"
                + " token request made to keep the grant alive failed" + (failure.isTransient() ? " (it is tried again later): "
                        : "; sends will fail the same way until it is fixed: ") + failure.getMessage();
    }

    /** A token is needed for the refresh_token grant, but neither a configured nor a stored refresh token exists. */
    static MailException noRefreshToken() {
        return MailException.permanentFailure("No OAuth2 access token: there is no refresh token yet; nothing was sent.")
                .setting(OAuthSettings.REFRESH_TOKEN)
                .diagnosis("To sign in as the mailbox, " + AUTHORIZE + "; it stores the refresh token it obtains. Or put a refresh"
                        + " token in the secret named by the refreshToken setting (e.g. $[secret:oauth_refresh_token]).")
                .build();
    }

    /**
     * The stored refresh token exists but cannot be read. The configured one is not sent instead:
     * the stored one may be its successor, and sending an exchanged token again makes servers with
     * reuse detection revoke the sign-in.
     */
    static MailException storedRefreshTokenUnreadable(TokenChainStore.Location where, IOException e) {
        if (e instanceof CipherException) {
            return storedRefreshTokenNotDecrypted(where, (CipherException) e);
        }
        return MailException.permanentFailure("No OAuth2 access token: " + storedToken(where) + " cannot be read ("
                + e + "); nothing was sent.")
                .diagnosis(makeAccessible(where, "readable") + " The configured refresh token is not used instead, because the"
                        + " stored one may have replaced it.")
                .cause(e)
                .build();
    }

    /**
     * The stored refresh token is encrypted and cannot be decrypted: no CryptoService, or another key.
     * As for an unreadable file, the configured refresh token is not sent instead.
     */
    private static MailException storedRefreshTokenNotDecrypted(TokenChainStore.Location where, CipherException e) {
        return MailException.permanentFailure("No OAuth2 access token: " + storedToken(where) + " is encrypted, but it "
                + e.getMessage() + "; nothing was sent.")
                .diagnosis("Restore the key it was encrypted with (java -jar mailer.jar: mailer.key in the secrets directory, during"
                        + " a key rotation also mailer.key.previous), or " + AUTHORIZE + ", which stores a new one. The configured"
                        + " refresh token is not used instead, because the stored one may have replaced it.")
                .build();
    }

    /** The stored refresh token, as a failure names it: by its file, or by where in the repository it is. */
    private static String storedToken(TokenChainStore.Location where) {
        return where.kind == TokenChainStore.Location.Kind.REPOSITORY ? "the refresh token stored in " + where
                : "the stored refresh token " + where;
    }

    /** How to make the store of a refresh token chain {@code readable} or writable. */
    private static String makeAccessible(TokenChainStore.Location where, String how) {
        if (where.kind == TokenChainStore.Location.Kind.REPOSITORY) {
            return repositoryAccess(where);
        }
        return where.persistent() ? "Make " + where + " " + how + " for the user running the mailer."
                : "Make the bundle data area " + how + " for the user running the mailer.";
    }

    /** What the repository store needs: its service user, allowed to read and write the token path. */
    private static String repositoryAccess(TokenChainStore.Location where) {
        return "The service user " + where.serviceUser + " (sub-service " + RepositoryTokenStore.SUBSERVICE + " of the bundle "
                + RepositoryTokenStore.BUNDLE + ") must exist and be allowed to read and write " + where.path + ": install the"
                + " repoinit and service user mapping configurations the mailer ships (README, Running in a cluster), or set "
                + OAuthSettings.TOKEN_REPOSITORY_PATH + " to an empty value to keep the refresh token per instance.";
    }

    /** What {@link RefreshTokenReencryption} could not do: the stored token stays as it was. */
    static String storedRefreshTokenNotReencrypted(Path file, IOException e) {
        return "The stored refresh token " + file + (e instanceof CipherException ? " is encrypted, but it " + e.getMessage()
                + ". Restore the key it was encrypted with (mailer.key.previous during a key rotation)"
                : " cannot be rewritten (" + e + ")") + "; it stays as it was.";
    }

    /** The authorization succeeded but the provider issued only an access token: nothing to keep for later sends. */
    static MailException noRefreshTokenIssued() {
        return MailException.permanentFailure("The provider issued no refresh token, so the sign-in cannot be kept for later"
                + " sends; nothing was stored.")
                .setting(OAuthSettings.SCOPES)
                .diagnosis("Microsoft: add the scope offline_access to scopes. Google: authUrl must ask for offline access"
                        + " (https://accounts.google.com/o/oauth2/v2/auth?access_type=offline&prompt=consent), else Google"
                        + " issues a refresh token only at the very first consent. Then authorize again.")
                .build();
    }

    /** Exchanging the code or polling succeeded, but the refresh token cannot be written to {@code file}. */
    static MailException authorizedButNotStored(TokenChainStore.Location where, IOException e) {
        return MailException.permanentFailure("The refresh token was authorized but cannot be stored in " + where + " ("
                + e + "); it is used until a restart only.")
                .diagnosis(makeAccessible(where, "writable") + " Then authorize again.")
                .cause(e)
                .build();
    }

    /** The authorization-code flow cannot start: authUrl is not set or not valid. */
    static MailException authUrlMissing(OAuthSettings settings) {
        return notConfigured(settings, OAuthSettings.AUTH_URL, "the provider's authorization endpoint, e.g."
                + " https://login.microsoftonline.com/TENANT/oauth2/v2.0/authorize or https://accounts.google.com/o/oauth2/v2/auth");
    }

    /** The authorization-code flow cannot start: neither the caller nor authCodeRedirectUrl gives a redirect URI. */
    static MailException redirectUrlMissing(OAuthSettings settings) {
        return notConfigured(settings, OAuthSettings.REDIRECT_URL, "the redirect URI registered with the provider, e.g."
                + " http://localhost:8765/oauth2/callback");
    }

    /** The device-code flow cannot start: deviceAuthUrl is not set or not valid. */
    static MailException deviceAuthUrlMissing(OAuthSettings settings) {
        return notConfigured(settings, OAuthSettings.DEVICE_AUTH_URL, "the provider's device authorization endpoint, e.g."
                + " https://login.microsoftonline.com/TENANT/oauth2/v2.0/devicecode or https://oauth2.googleapis.com/device/code");
    }

    /** The grant is not refresh_token, so no flow has a refresh token to bootstrap. */
    static MailException nothingToAuthorize(String grantType) {
        return MailException.permanentFailure("grantType=" + grantType + " needs no authorization: the application signs"
                + " in with its own " + (OAuthSettings.GRANT_CLIENT_CREDENTIALS.equals(grantType) ? "client secret"
                        : OAuthSettings.GRANT_STATIC.equals(grantType) ? "access token" : "Azure identity") + ", not as a mailbox.")
                .setting(OAuthSettings.GRANT_TYPE)
                .diagnosis("To send as a mailbox with its owner's consent, set grantType=refresh_token (with authUrl or"
                        + " deviceAuthUrl), then authorize.")
                .build();
    }

    /** A redirect whose state matches no pending authorization: replayed, too old, or of another process. */
    static MailException unknownAuthorizationResponse(Duration expiry) {
        long minutes = expiry.toMinutes();
        return MailException.permanentFailure("This authorization response is unknown or expired: its state matches no"
                + " authorization this process started in the last " + minutes + " minutes; nothing was stored.")
                .diagnosis("It was started by another process, is older than " + minutes + " minutes, or was already used."
                        + " Start again: " + AUTHORIZE + ", and finish the sign-in within " + minutes + " minutes.")
                .build();
    }

    /** A redirect with a known state but neither {@code code} nor {@code error}. */
    static MailException noCodeInRedirect() {
        return MailException.permanentFailure("The redirect carried neither a code nor an error; nothing was stored.")
                .diagnosis("Pass all query parameters the provider sent to the redirect URI; then authorize again.")
                .build();
    }

    /** A device authorization that matches none this process started and still waits for. */
    static MailException unknownDeviceAuthorization() {
        return MailException.permanentFailure("This device authorization is unknown or expired: it matches no device"
                + " authorization this process started and still waits for; nothing was stored.")
                .diagnosis("It was started by another process, expired, or was already completed. Start again: " + AUTHORIZE + ".")
                .build();
    }

    /** The user did not finish the sign-in before the device code expired (found by us, not by the provider). */
    static MailException deviceCodeExpired(String userCode, Instant expiresAt) {
        return MailException.permanentFailure("The code " + userCode + " expired at " + expiresAt
                + " before the sign-in was finished; nothing was stored.")
                .diagnosis("Authorize again and enter the new code before it expires: " + AUTHORIZE + ".")
                .build();
    }

    /** The caller gave up on a device authorization (it was interrupted); whatever comes later is dropped. */
    static InterruptedException deviceAuthorizationAbandoned() {
        return new InterruptedException("device authorization abandoned; nothing was stored");
    }

    /** An authorization cannot start because {@code property}, which only authorizing needs, is not set or not valid. */
    private static MailException notConfigured(OAuthSettings settings, String property, String what) {
        String warning = settings.warningAbout(property);
        return MailException.permanentFailure("Cannot start the authorization: " + (warning != null ? warning : property
                + " is not set") + ".")
                .setting(property)
                .diagnosis("Set " + property + " to " + what + ".")
                .build();
    }

    // The texts of TokenEndpointException: what an endpoint answered, or that it did not. Never a token or a field's value.

    /** The endpoint answered with an OAuth {@code error} (and maybe an {@code error_description}). */
    static String refused(String endpointName, URI endpoint, String requestName, String error, String description) {
        return "The " + endpointName + " " + endpoint + " refused " + requestName + ": " + error
                + (description == null ? "" : " (" + description + ")");
    }

    /** No answer: the connection failed, timed out or broke off. */
    static String unreachable(String endpointName, URI endpoint, Throwable cause) {
        return "The " + endpointName + " " + endpoint + " cannot be reached: " + cause.getClass().getSimpleName() + ": "
                + cause.getMessage();
    }

    /**
     * The text of a {@link TokenEndpointException} for an answer that is no usable response: not
     * JSON, or {@code problem} (a field missing or of the wrong type; never a field's value).
     */
    static String invalidResponse(String endpointName, URI endpoint, String problem) {
        return "The " + endpointName + " " + endpoint + " gave no usable answer: " + problem;
    }

    /** A problem of an answer: a required field is absent or blank. */
    static String missing(String field) {
        return "no " + field;
    }

    /** A problem of an answer: a field that must be a string is not one. */
    static String notAString(String field) {
        return field + " is not a string";
    }

    /** A problem of an answer: expires_in is neither a number nor a string holding one. */
    static String notSeconds(String field) {
        return field + " is not a number of seconds";
    }

    /** A problem of an answer: the device authorization has no verification URI. */
    static String noVerificationUri() {
        return missing("verification_uri") + ", so there is nowhere to send the user";
    }

    /** A problem of an answer: the body is not a JSON object (a sign-in page, a proxy's error page, an array). */
    static String notAJsonObject() {
        return "the response body is not a JSON object";
    }

    /** A problem of an answer: it is empty or not JSON at all; the HTTP status says what happened instead. */
    static String notJson(int status, String contentType) {
        return "HTTP " + status + " with " + (contentType == null ? "no content type" : contentType)
                + " instead of a JSON token response";
    }

    /** A problem of an answer: Oltu could not make sense of it; its message may quote the body, so only the type is named. */
    static String unreadable(RuntimeException e) {
        return "the answer could not be read (" + e.getClass().getSimpleName() + ")";
    }

    /** Why an answer was not read to its end: a token endpoint's answers are small. */
    static String tooLarge(int maxBytes) {
        return "the response is larger than " + maxBytes + " bytes";
    }

    private static MailException.Builder start(boolean transientFailure, String summary) {
        return transientFailure ? MailException.transientFailure(summary) : MailException.permanentFailure(summary);
    }

    private static MailException diagnose(MailException.Builder b, boolean temporary, String error, String description,
            String endpointSetting, Purpose purpose, OAuthSettings settings) {
        String text = description == null ? "" : description;
        MailException passwordless = PasswordlessFailures.diagnose(b, error, text, endpointSetting, settings);
        if (passwordless != null) {
            return passwordless;
        }
        if (error == null) {
            return b.setting(endpointSetting)
                    .diagnosis("Check " + endpointSetting + ", and that this machine reaches it (httpProxy if it needs a proxy;"
                            + " a PKIX error means the JVM does not trust the endpoint's certificate).")
                    .build();
        }
        // Entra ID's AADSTS codes say more than the OAuth error they come with
        if (text.contains("AADSTS500116") || text.contains("AADSTS70008") && text.contains("redirect")
                || text.contains("AADSTS50011") || text.contains("AADSTS500113")) {
            return b.setting(OAuthSettings.REDIRECT_URL)
                    .diagnosis("The redirect URI is not registered for the app: register authCodeRedirectUrl exactly"
                            + " (scheme, host, port, path) under Authentication > Redirect URIs, or fix authCodeRedirectUrl.")
                    .build();
        }
        if (text.contains("AADSTS7000218")) {
            return b.setting(OAuthSettings.CLIENT_SECRET)
                    .diagnosis("The app registration expects a client secret: for sign-in without one, turn on \"Allow public"
                            + " client flows\" (Azure: App registrations > Authentication > Advanced settings); or set"
                            + " clientSecret.")
                    .build();
        }
        if (text.contains("AADSTS700025")) {
            return b.setting(OAuthSettings.CLIENT_SECRET)
                    .diagnosis("The app registration is a public client, which must not send a client secret: leave clientSecret"
                            + " empty (for device-code sign-in, no oauth_client_secret secret).")
                    .build();
        }
        if (text.contains("AADSTS65001")) {
            return b.setting(OAuthSettings.SCOPES)
                    .diagnosis("Nobody consented to the scopes for this app yet: an admin grants consent (Azure: App registrations"
                            + " > API permissions > Grant admin consent), or the mailbox owner consents when signing in; then"
                            + " authorize again.")
                    .build();
        }
        switch (error) {
            case "invalid_grant":
                if (purpose == Purpose.AUTHORIZE) {
                    return b.diagnosis("The provider refused the code: it expired, was already used, or was issued for another"
                            + " client or redirect URI. Authorize again: " + AUTHORIZE + ".").build();
                }
                return b.setting(OAuthSettings.REFRESH_TOKEN)
                        .diagnosis(text.contains("AADSTS700082") || text.contains("expired")
                                ? "The refresh token has expired (unused for too long, or revoked): authorize again to get a"
                                        + " new one (" + AUTHORIZE + "), or put a new one in the secret behind refreshToken."
                                : "The refresh token is not valid any more: it was revoked, the password changed, consent was"
                                        + " withdrawn, or it belongs to another client. Authorize again (" + AUTHORIZE + "), or put"
                                        + " a new refresh token in the secret behind refreshToken.")
                        .build();
            case "invalid_client":
            case "unauthorized_client":
                if (OAuthSettings.GRANT_WORKLOAD_IDENTITY.equals(settings.grantType)) {
                    return PasswordlessFailures.workloadIdentityNotAccepted(b);
                }
                return b.setting(OAuthSettings.CLIENT_SECRET)
                        .diagnosis(text.contains("AADSTS7000222")
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
                                + " or authorize again interactively (" + AUTHORIZE + ").")
                        .build();
            case "access_denied":
            case "authorization_declined": // Microsoft's name for it in the device-code flow
                return b.diagnosis("The sign-in was declined (by the user, or by a policy of the organization). Authorize again and"
                        + " approve the request, signed in as the mailbox: " + AUTHORIZE + ".").build();
            case JsonResponse.INVALID_RESPONSE:
                return b.setting(endpointSetting)
                        .diagnosis("Check that " + endpointSetting + " is the provider's token endpoint (not its sign-in page"
                                + " or a proxy's error page); if it is, the provider answered outside the OAuth2 standard:"
                                + " report it to the provider.")
                        .build();
            case "expired_token":
                return b.diagnosis("The code expired before the sign-in was finished. Authorize again and complete the sign-in"
                        + " before the new code expires: " + AUTHORIZE + ".").build();
            default:
                return b.setting(endpointSetting)
                        .diagnosis(!temporary ? "See the provider's documentation of this error."
                                : purpose == Purpose.SEND ? "The token endpoint had a temporary problem; the send can be retried."
                                : "The provider had a temporary problem; authorize again in a moment.")
                        .build();
        }
    }
}
