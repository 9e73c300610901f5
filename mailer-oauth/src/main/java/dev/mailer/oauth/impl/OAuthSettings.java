package dev.mailer.oauth.impl;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

import dev.mailer.commons.config.ConfigReader;
import dev.mailer.commons.config.InvalidConfigurationException;
import dev.mailer.commons.crypto.EncryptedValues;
import dev.mailer.commons.crypto.SecretCipher;
import dev.mailer.commons.crypto.SecretCiphers;
import dev.mailer.commons.text.Printable;

/** The validated, immutable settings of the token provider. {@link #toString()} never shows secrets. */
final class OAuthSettings {

    static final String GRANT_REFRESH_TOKEN = "refresh_token";
    static final String GRANT_CLIENT_CREDENTIALS = "client_credentials";
    /** Azure managed identity: tokens from the instance metadata service (IMDS) or App Service's identity endpoint. */
    static final String GRANT_MANAGED_IDENTITY = "managed_identity";
    /** AKS workload identity: client credentials with the federated token of a file as client assertion. */
    static final String GRANT_WORKLOAD_IDENTITY = "workload_identity";
    /** An access token obtained elsewhere, read from a file or a secret. */
    static final String GRANT_STATIC = "static";
    static final List<String> GRANTS = List.of(GRANT_REFRESH_TOKEN, GRANT_CLIENT_CREDENTIALS, GRANT_MANAGED_IDENTITY,
            GRANT_WORKLOAD_IDENTITY, GRANT_STATIC);
    /** The instance metadata service of Azure VMs (link-local, plain http by design). */
    static final String DEFAULT_IMDS_ENDPOINT = "http://169.254.169.254";
    static final int DEFAULT_RENEW_BEFORE_EXPIRY_SECONDS = 300;
    static final int DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
    static final int DEFAULT_READ_TIMEOUT_MS = 30_000;
    /** A week: far inside the shortest idle limit of the big providers (Microsoft: 90 days unused, Google: 6 months). */
    static final String DEFAULT_KEEP_ALIVE = "P7D";
    /** How often the upkeep looks at the tokens at most; shorter when keepAlive asks for it (see {@link TokenUpkeep}). */
    static final String DEFAULT_UPKEEP_INTERVAL = "PT1M";
    /** A grant unused for longer than this is dead at every provider: a longer keepAlive is a mistake. */
    static final String MAX_KEEP_ALIVE = "P365D";
    static final Duration MIN_UPKEEP_INTERVAL = Duration.ofSeconds(1);
    static final String MAX_UPKEEP_INTERVAL = "PT1H";
    /** Where a Sling or AEM instance keeps the refresh token chain that its cluster shares (see {@link RepositoryTokenStore}). */
    static final String DEFAULT_TOKEN_REPOSITORY_PATH = "/conf/mailer/oauth";

    static final String AUTH_URL = "authUrl";
    static final String DEVICE_AUTH_URL = "deviceAuthUrl";
    static final String TOKEN_URL = "tokenUrl";
    static final String REFRESH_URL = "refreshUrl";
    static final String CLIENT_ID = "clientId";
    static final String CLIENT_SECRET = "clientSecret";
    static final String SCOPES = "scopes";
    static final String REDIRECT_URL = "authCodeRedirectUrl";
    static final String REFRESH_TOKEN = "refreshToken";
    static final String GRANT_TYPE = "grantType";
    static final String RENEW_BEFORE_EXPIRY = "renewBeforeExpirySeconds";
    static final String CONNECT_TIMEOUT = "httpConnectTimeoutMillis";
    static final String READ_TIMEOUT = "httpReadTimeoutMillis";
    static final String PROXY = "httpProxy";
    static final String KEEP_ALIVE = "keepAlive";
    static final String UPKEEP_INTERVAL = "upkeepInterval";
    static final String RESOURCE = "resource";
    static final String IMDS_ENDPOINT = "imdsEndpoint";
    static final String IDENTITY_ENDPOINT = "identityEndpoint";
    static final String IDENTITY_HEADER = "identityHeader";
    static final String FEDERATED_TOKEN_FILE = "federatedTokenFile";
    static final String ACCESS_TOKEN = "accessToken";
    static final String ACCESS_TOKEN_FILE = "accessTokenFile";
    static final String TOKEN_REPOSITORY_PATH = "tokenRepositoryPath";
    /** Absolute, without empty, relative or wildcard segments. */
    private static final Pattern JCR_PATH = Pattern.compile("(/(?!\\.\\.?(/|$))[^/\\[\\]*|\\s]+)+");

    final URI authUrl;
    final URI deviceAuthUrl;
    final URI tokenUrl;
    final URI refreshUrl;
    final String clientId;
    final String clientSecret;
    final List<String> scopes;
    final String redirectUrl;
    final String refreshToken;
    final String grantType;
    final int renewBeforeExpirySeconds;
    final int connectTimeoutMs;
    final int readTimeoutMs;
    final InetSocketAddress proxy;
    /** How long the grant may go without a token request before the upkeep makes one; zero: never. */
    final Duration keepAlive;
    /** The longest time between two runs of the upkeep. */
    final Duration upkeepInterval;
    /** managed_identity and workload_identity: the resource the token is for, e.g. https://communication.azure.com/. */
    final String resource;
    /** managed_identity: the instance metadata service (scheme and host; the path is the service's). */
    final URI imdsEndpoint;
    /** managed_identity on App Service / Functions: its identity endpoint and the header that proves the caller is local. */
    final URI identityEndpoint;
    final String identityHeader;
    /** workload_identity: the federated token (client assertion), read anew for every request. */
    final Path federatedTokenFile;
    /** static: the access token, or the file it is read from (again when it changes). */
    final String accessToken;
    final Path accessTokenFile;
    /** Where the refresh token chain is kept when the container has a Sling repository; null: in the bundle data area. */
    final String tokenRepositoryPath;
    /** Problems with settings that sending does not need (authUrl, deviceAuthUrl, authCodeRedirectUrl): logged, not fatal. */
    final List<String> warnings;

    /** @param cipher decrypts the secrets written {@code ENC(...)} */
    private OAuthSettings(ConfigReader r, ConfigReader bootstrap, SecretCipher cipher) {
        // only the authorization bootstrap needs these: a problem there must not stop mail
        authUrl = endpoint(bootstrap, AUTH_URL, false);
        deviceAuthUrl = endpoint(bootstrap, DEVICE_AUTH_URL, false);
        redirectUrl = bootstrap.string(REDIRECT_URL);
        warnings = bootstrap.problems();
        String grant = r.string(GRANT_TYPE);
        grantType = grant == null ? GRANT_REFRESH_TOKEN : grant.toLowerCase(Locale.ROOT);
        // managed identities and static tokens need no token endpoint, nor (system-assigned, static) a client
        boolean endpointGrant = !grantType.equals(GRANT_MANAGED_IDENTITY) && !grantType.equals(GRANT_STATIC);
        tokenUrl = endpoint(r, TOKEN_URL, endpointGrant);
        URI refresh = endpoint(r, REFRESH_URL, false);
        refreshUrl = refresh == null ? tokenUrl : refresh;
        clientId = endpointGrant ? r.requiredString(CLIENT_ID) : r.string(CLIENT_ID);
        clientSecret = EncryptedValues.read(r, CLIENT_SECRET, cipher);
        refreshToken = EncryptedValues.read(r, REFRESH_TOKEN, cipher);
        resource = r.string(RESOURCE);
        List<String> configuredScopes = scopes(r.strings(SCOPES));
        // workload identity: the resource's .default scope unless scopes are set
        scopes = configuredScopes.isEmpty() && resource != null && grantType.equals(GRANT_WORKLOAD_IDENTITY)
                ? List.of(defaultScope(resource)) : configuredScopes;
        URI imds = endpoint(r, IMDS_ENDPOINT, false);
        imdsEndpoint = imds != null || r.hasProblem(IMDS_ENDPOINT) ? imds : URI.create(DEFAULT_IMDS_ENDPOINT);
        identityEndpoint = endpoint(r, IDENTITY_ENDPOINT, false);
        identityHeader = EncryptedValues.read(r, IDENTITY_HEADER, cipher);
        federatedTokenFile = path(r, FEDERATED_TOKEN_FILE);
        accessToken = EncryptedValues.read(r, ACCESS_TOKEN, cipher);
        accessTokenFile = path(r, ACCESS_TOKEN_FILE);
        renewBeforeExpirySeconds = r.integer(RENEW_BEFORE_EXPIRY, DEFAULT_RENEW_BEFORE_EXPIRY_SECONDS, 0, 86_400);
        connectTimeoutMs = r.integer(CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT_MS, 1, Integer.MAX_VALUE);
        readTimeoutMs = r.integer(READ_TIMEOUT, DEFAULT_READ_TIMEOUT_MS, 1, Integer.MAX_VALUE);
        proxy = proxy(r);
        keepAlive = duration(r, KEEP_ALIVE, DEFAULT_KEEP_ALIVE, Duration.ZERO, MAX_KEEP_ALIVE,
                "write e.g. P7D (a week, the default), P30D, or PT0S to turn the keep-alive off");
        tokenRepositoryPath = repositoryPath(r);
        upkeepInterval = duration(r, UPKEEP_INTERVAL, DEFAULT_UPKEEP_INTERVAL, MIN_UPKEEP_INTERVAL, MAX_UPKEEP_INTERVAL,
                "write e.g. PT1M (the default) or PT10S, from PT1S to " + MAX_UPKEEP_INTERVAL);

        switch (grantType) {
            case GRANT_REFRESH_TOKEN:
                // refreshToken may be empty: the authorization flows store one, and until then every
                // token request says how to get one (AccessTokens)
                break;
            case GRANT_CLIENT_CREDENTIALS:
                if (clientSecret == null && !r.hasProblem(CLIENT_SECRET)) {
                    r.problem(CLIENT_SECRET, "grantType=client_credentials needs the client secret of the app registration");
                }
                if (scopes.isEmpty() && !r.hasProblem(SCOPES)) {
                    r.problem(SCOPES, "grantType=client_credentials needs a scope, e.g. https://outlook.office365.com/.default");
                }
                break;
            case GRANT_MANAGED_IDENTITY:
                requireResource(r, "https://communication.azure.com/ (ACS) or https://outlook.office365.com/ (Exchange Online)");
                if ((identityEndpoint == null) != (identityHeader == null) && !r.hasProblem(IDENTITY_ENDPOINT)
                        && !r.hasProblem(IDENTITY_HEADER)) {
                    r.problem(identityEndpoint == null ? IDENTITY_ENDPOINT : IDENTITY_HEADER, "App Service's managed identity needs"
                            + " both identityEndpoint and identityHeader (IDENTITY_ENDPOINT and IDENTITY_HEADER); on a VM, leave both empty");
                }
                break;
            case GRANT_WORKLOAD_IDENTITY:
                if (federatedTokenFile == null && !r.hasProblem(FEDERATED_TOKEN_FILE)) {
                    r.problem(FEDERATED_TOKEN_FILE, "grantType=workload_identity needs the federated token file (AZURE_FEDERATED_TOKEN_FILE,"
                            + " set by the AKS workload identity webhook when the pod's service account is labelled for it)");
                }
                if (scopes.isEmpty() && !r.hasProblem(SCOPES)) {
                    requireResource(r, "https://communication.azure.com/, or set scopes");
                }
                break;
            case GRANT_STATIC:
                if ((accessToken == null) == (accessTokenFile == null) && !r.hasProblem(ACCESS_TOKEN)
                        && !r.hasProblem(ACCESS_TOKEN_FILE)) {
                    r.problem(ACCESS_TOKEN_FILE, "grantType=static needs exactly one of accessTokenFile (a file, read again when it"
                            + " changes) and accessToken");
                }
                break;
            default:
                r.problem(GRANT_TYPE, Printable.quoted(grantType) + " is not supported; use one of " + String.join(", ", GRANTS));
        }
    }

    private void requireResource(ConfigReader r, String example) {
        if (resource == null && !r.hasProblem(RESOURCE)) {
            r.problem(RESOURCE, "grantType=" + grantType + " needs the resource the token is for, e.g. " + example);
        }
    }

    /** {@code https://communication.azure.com/} becomes {@code https://communication.azure.com/.default}. */
    static String defaultScope(String resource) {
        return (resource.endsWith("/") ? resource.substring(0, resource.length() - 1) : resource) + "/.default";
    }

    /** The default path when the property is absent; null (per instance) when it is set empty. */
    private static String repositoryPath(ConfigReader r) {
        if (!r.isPresent(TOKEN_REPOSITORY_PATH)) {
            return DEFAULT_TOKEN_REPOSITORY_PATH;
        }
        String value = r.string(TOKEN_REPOSITORY_PATH);
        if (value != null && !JCR_PATH.matcher(value).matches()) {
            r.problem(TOKEN_REPOSITORY_PATH, Printable.quoted(value) + " is not an absolute repository path: write e.g. "
                    + DEFAULT_TOKEN_REPOSITORY_PATH + " (the default), or nothing to keep the refresh token per instance");
            return null;
        }
        return value;
    }

    private static Path path(ConfigReader r, String property) {
        String value = r.string(property);
        try {
            return value == null ? null : Path.of(value);
        } catch (InvalidPathException e) {
            r.problem(property, Printable.quoted(value) + " is not a file path (" + e.getReason() + ")");
            return null;
        }
    }

    /** {@link #from(Map, SecretCipher)} without a CryptoService: an {@code ENC(...)} secret is a problem. */
    static OAuthSettings from(Map<String, ?> properties) throws InvalidConfigurationException {
        return from(properties, SecretCiphers.none());
    }

    /** Reads and validates the configuration; clientSecret and refreshToken written {@code ENC(...)} are decrypted with {@code cipher}. */
    static OAuthSettings from(Map<String, ?> properties, SecretCipher cipher) throws InvalidConfigurationException {
        return from(properties, cipher, System::getenv);
    }

    /**
     * {@link #from(Map, SecretCipher)} with the Azure identity settings that are not configured
     * taken from {@code environment} ({@link AzureEnvironment}).
     */
    static OAuthSettings from(Map<String, ?> properties, SecretCipher cipher, Function<String, String> environment)
            throws InvalidConfigurationException {
        Map<String, ?> withEnvironment = AzureEnvironment.withDefaults(properties, environment);
        ConfigReader reader = new ConfigReader(withEnvironment);
        OAuthSettings settings = new OAuthSettings(reader, new ConfigReader(withEnvironment), cipher);
        reader.throwIfInvalid(OAuthConfigurationProviderImpl.PID);
        return settings;
    }

    /** Each value may hold several scopes separated by spaces or commas (one environment variable for all). */
    private static List<String> scopes(List<String> values) {
        List<String> scopes = new ArrayList<>();
        for (String value : values) {
            for (String scope : value.split("[\\s,]+")) {
                if (!scope.isEmpty() && !scopes.contains(scope)) {
                    scopes.add(scope);
                }
            }
        }
        return List.copyOf(scopes);
    }

    /** The warning about a bootstrap-only {@code property} (e.g. its placeholder is unresolved), or null. */
    String warningAbout(String property) {
        for (String warning : warnings) {
            if (warning.startsWith(property + ": ")) {
                return warning;
            }
        }
        return null;
    }

    /** Space-separated scopes as the token endpoint expects them, or null when none are configured. */
    String scopeParameter() {
        return scopes.isEmpty() ? null : String.join(" ", scopes);
    }

    @Override
    public String toString() {
        return "OAuthSettings[grant=" + grantType + (tokenUrl == null ? "" : ", tokenUrl=" + tokenUrl)
                + (refreshUrl == null || refreshUrl.equals(tokenUrl) ? "" : ", refreshUrl=" + refreshUrl) + ", clientId=" + clientId
                + ", clientSecret=" + (clientSecret == null ? "unset" : "***") + ", refreshToken="
                + (refreshToken == null ? "unset" : "***") + ", scopes=" + scopes + (proxy == null ? "" : ", proxy=" + proxy)
                + (resource == null ? "" : ", resource=" + resource) + azureToString()
                + ", keepAlive=" + (keepAlive.isZero() ? "off" : format(keepAlive)) + "]";
    }

    private String azureToString() {
        switch (grantType) {
            case GRANT_MANAGED_IDENTITY:
                return identityEndpoint != null ? ", identityEndpoint=" + identityEndpoint + ", identityHeader=***"
                        : ", imdsEndpoint=" + imdsEndpoint;
            case GRANT_WORKLOAD_IDENTITY:
                return ", federatedTokenFile=" + federatedTokenFile;
            case GRANT_STATIC:
                return accessTokenFile != null ? ", accessTokenFile=" + accessTokenFile : ", accessToken=***";
            default:
                return "";
        }
    }

    /** A duration as a setting would be written: whole days as {@code P7D}, else {@code PT1M30S}. */
    static String format(Duration duration) {
        return !duration.isZero() && duration.toSeconds() % 86_400 == 0 && duration.getNano() == 0
                ? "P" + duration.toDays() + "D" : duration.toString();
    }

    /**
     * An ISO-8601 duration from {@code min} to {@code max}; a bad value is refused naming the property,
     * followed by {@code advice}: what to write instead.
     */
    private static Duration duration(ConfigReader r, String property, String defaultValue, Duration min, String max,
            String advice) {
        boolean hadProblem = r.hasProblem(property);
        Duration value = r.duration(property, Duration.parse(defaultValue), min);
        if (value.compareTo(Duration.parse(max)) > 0) {
            r.problem(property, r.string(property) + " is longer than the maximum " + max);
            value = Duration.parse(defaultValue);
        }
        if (!hadProblem && r.hasProblem(property)) {
            r.problem(property, advice);
        }
        return value;
    }

    /**
     * An endpoint URL: https, or http for a loopback host only (a test or local proxy), since the
     * request carries the client secret and the tokens.
     */
    private static URI endpoint(ConfigReader r, String property, boolean required) {
        String value = required ? r.requiredString(property) : r.string(property);
        if (value == null) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            r.problem(property, Printable.quoted(value) + " is not a URL (" + e.getReason() + ")");
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            r.problem(property, Printable.quoted(value) + " is not an https URL");
            return null;
        }
        // the metadata service of Azure VMs is plain http on a link-local address that never leaves the host
        boolean imds = property.equals(IMDS_ENDPOINT) && uri.getHost().equals(URI.create(DEFAULT_IMDS_ENDPOINT).getHost());
        if (scheme.equals("http") && !isLoopback(uri.getHost()) && !imds) {
            r.problem(property, Printable.quoted(value) + " uses plain http, which would send the client secret and tokens"
                    + " unencrypted; use https (plain http is accepted for localhost only)");
            return null;
        }
        return uri;
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        // literal addresses only: no DNS lookup during activation
        if (!host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+\\]?")) {
            return false;
        }
        try {
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static InetSocketAddress proxy(ConfigReader r) {
        String value = r.string(PROXY);
        if (value == null) {
            return null;
        }
        int colon = value.lastIndexOf(':');
        try {
            if (colon > 0) {
                int port = Integer.parseInt(value.substring(colon + 1));
                if (port >= 1 && port <= 65535) {
                    return InetSocketAddress.createUnresolved(value.substring(0, colon), port);
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        r.problem(PROXY, Printable.quoted(value) + " is not host:port (e.g. proxy.example.com:3128)");
        return null;
    }
}
