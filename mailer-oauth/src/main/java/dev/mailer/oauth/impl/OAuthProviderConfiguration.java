package dev.mailer.oauth.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import dev.mailer.commons.crypto.SecretCiphers;

/**
 * Settings of {@link OAuthConfigurationProviderImpl}, named as AEM's OAuth mailer configuration.
 * Secrets should be {@code $[secret:...]} placeholders. {@link OAuthSettings} reads and validates
 * the raw values; this interface describes them for metatype.
 */
@ObjectClassDefinition(name = "Mailer - OAuth2 token provider",
        description = "Obtains and renews the OAuth2 access tokens the mail service uses for SMTP XOAUTH2.")
public @interface OAuthProviderConfiguration {

    @AttributeDefinition(name = "Authorization URL",
            description = "Authorization endpoint, for the authorization-code bootstrap (authorize). Its own query is kept,"
                    + " e.g. Google's ?access_type=offline&prompt=consent.")
    String authUrl();

    @AttributeDefinition(name = "Device authorization URL",
            description = "Device authorization endpoint (RFC 8628), for the device-code bootstrap (sign-in on another device),"
                    + " e.g. https://login.microsoftonline.com/TENANT/oauth2/v2.0/devicecode.")
    String deviceAuthUrl();

    @AttributeDefinition(name = "Token URL", description = "Token endpoint (https), e.g. https://login.microsoftonline.com/TENANT/oauth2/v2.0/token.")
    String tokenUrl();

    @AttributeDefinition(name = "Refresh URL", description = "Token endpoint for refresh requests; empty: the token URL.")
    String refreshUrl();

    @AttributeDefinition(name = "Client ID")
    String clientId();

    @AttributeDefinition(name = "Client secret", type = AttributeType.PASSWORD,
            description = "Use $[secret:oauth_client_secret], or a value encrypted with java -jar mailer.jar encrypt: ENC(...).")
    String clientSecret();

    @AttributeDefinition(name = "Scopes", description = "e.g. https://outlook.office.com/SMTP.Send and offline_access.")
    String[] scopes();

    @AttributeDefinition(name = "Redirect URL", description = "Redirect URI registered with the provider (authorization code).")
    String authCodeRedirectUrl();

    @AttributeDefinition(name = "Refresh token", type = AttributeType.PASSWORD,
            description = "Initial refresh token (grant refresh_token), optional: authorize obtains and stores one. Use"
                    + " $[secret:oauth_refresh_token;default=], or ENC(...). A newly configured token wins over a stored one.")
    String refreshToken();

    @AttributeDefinition(name = "Grant type", description = "refresh_token (delegated, default), client_credentials (app-only),"
            + " managed_identity (Azure managed identity, no secret), workload_identity (AKS workload identity: a federated token"
            + " as client assertion) or static (an access token obtained elsewhere).")
    String grantType() default OAuthSettings.GRANT_REFRESH_TOKEN;

    @AttributeDefinition(name = "Resource", description = "managed_identity and workload_identity: the resource the token is for,"
            + " https://communication.azure.com/ (Azure Communication Services) or https://outlook.office365.com/ (Exchange"
            + " Online). workload_identity asks for its .default scope unless scopes are set.")
    String resource();

    @AttributeDefinition(name = "Instance metadata service", description = "managed_identity on a VM, scale set or AKS node:"
            + " the Azure instance metadata service; empty: AZURE_IMDS_ENDPOINT, else " + OAuthSettings.DEFAULT_IMDS_ENDPOINT + ".")
    String imdsEndpoint() default OAuthSettings.DEFAULT_IMDS_ENDPOINT;

    @AttributeDefinition(name = "Managed identity endpoint", description = "managed_identity on App Service, Functions or"
            + " Container Apps: the identity endpoint; empty: IDENTITY_ENDPOINT. Set with identityHeader.")
    String identityEndpoint();

    @AttributeDefinition(name = "Managed identity header", type = AttributeType.PASSWORD,
            description = "The X-IDENTITY-HEADER value of the identity endpoint; empty: IDENTITY_HEADER.")
    String identityHeader();

    @AttributeDefinition(name = "Federated token file", description = "workload_identity: the service account token that is"
            + " exchanged as client assertion, read for every request; empty: AZURE_FEDERATED_TOKEN_FILE. clientId and"
            + " tokenUrl default to AZURE_CLIENT_ID and AZURE_AUTHORITY_HOST/AZURE_TENANT_ID.")
    String federatedTokenFile();

    @AttributeDefinition(name = "Access token file", description = "static: the file holding the access token (e.g. the"
            + " secret oauth_access_token), read again when it changes. A JWT's exp claim is its expiry.")
    String accessTokenFile();

    @AttributeDefinition(name = "Access token", type = AttributeType.PASSWORD,
            description = "static, instead of accessTokenFile: the access token itself, e.g. $[secret:oauth_access_token].")
    String accessToken();

    @AttributeDefinition(name = "Renew before expiry (s)",
            description = "Renew a token this long before it expires (at most half its lifetime).")
    int renewBeforeExpirySeconds() default OAuthSettings.DEFAULT_RENEW_BEFORE_EXPIRY_SECONDS;

    @AttributeDefinition(name = "HTTP connect timeout (ms)")
    int httpConnectTimeoutMillis() default OAuthSettings.DEFAULT_CONNECT_TIMEOUT_MS;

    @AttributeDefinition(name = "HTTP read timeout (ms)")
    int httpReadTimeoutMillis() default OAuthSettings.DEFAULT_READ_TIMEOUT_MS;

    @AttributeDefinition(name = "HTTP proxy", description = "host:port of an HTTP(S) proxy for the token endpoint; empty: the JVM's proxy settings"
            + " (https.proxyHost, https.proxyPort, http.nonProxyHosts), direct when there are none.")
    String httpProxy();

    @AttributeDefinition(name = "Keep-alive",
            description = "ISO-8601 duration: when no token was obtained for this long, the upkeep obtains one (the refresh token"
                    + " is exchanged and the rotated one stored), so that a grant the provider ends when unused (Microsoft: 90"
                    + " days, Google: 6 months) stays alive without sends. PT0S: off. With Sling Commons Scheduler and Discovery,"
                    + " one instance of a cluster does it.")
    String keepAlive() default OAuthSettings.DEFAULT_KEEP_ALIVE;

    @AttributeDefinition(name = "Upkeep interval",
            description = "ISO-8601 duration, PT1S to PT1H: how often the upkeep at most looks whether an access token is due"
                    + " for renewal (renewed ahead, so that no send waits for the token endpoint) or the keep-alive is due"
                    + " (at least four times per keep-alive period).")
    String upkeepInterval() default OAuthSettings.DEFAULT_UPKEEP_INTERVAL;

    @AttributeDefinition(name = "Token repository path",
            description = "Where a Sling or AEM instance keeps the refresh token chain (the rotated or authorized refresh token and"
                    + " the current access token) that every instance of its cluster shares: one node per app registration,"
                    + " written by the service user mailer-token-store (the repoinit and service user mapping ship with the"
                    + " mailer). One instance refreshes at a time; the others use its token. Empty: in the bundle data area of"
                    + " each instance. Without a Sling repository (the launcher, Karaf) always the bundle data area.")
    String tokenRepositoryPath() default OAuthSettings.DEFAULT_TOKEN_REPOSITORY_PATH;

    @AttributeDefinition(name = "CryptoService",
            description = "Filter selecting the Apache Sling Commons Crypto CryptoService that decrypts clientSecret and"
                    + " refreshToken written ENC(...) and encrypts the stored refresh token. Without one, the token is stored"
                    + " unencrypted (an owner-only file).")
    String cryptoService_target() default SecretCiphers.DEFAULT_TARGET;

    @AttributeDefinition(name = "CryptoService of the previous key",
            description = "During a key rotation: the CryptoService of the previous key, which only decrypts what it encrypted"
                    + " (until java -jar mailer.jar reencrypt, or the next rotation of the token, wrote it with the current key).")
    String previousCryptoService_target() default SecretCiphers.DEFAULT_PREVIOUS_TARGET;
}
