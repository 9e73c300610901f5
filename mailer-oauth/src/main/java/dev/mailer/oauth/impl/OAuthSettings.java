package dev.mailer.oauth.impl;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
    /** Problems with settings that sending does not need (authUrl, deviceAuthUrl, authCodeRedirectUrl): logged, not fatal. */
    final List<String> warnings;

    /** @param cipher decrypts the secrets written {@code ENC(...)} */
    private OAuthSettings(ConfigReader r, ConfigReader bootstrap, SecretCipher cipher) {
        // only the authorization bootstrap needs these: a problem there must not stop mail
        authUrl = endpoint(bootstrap, AUTH_URL, false);
        deviceAuthUrl = endpoint(bootstrap, DEVICE_AUTH_URL, false);
        redirectUrl = bootstrap.string(REDIRECT_URL);
        warnings = bootstrap.problems();
        tokenUrl = endpoint(r, TOKEN_URL, true);
        URI refresh = endpoint(r, REFRESH_URL, false);
        refreshUrl = refresh == null ? tokenUrl : refresh;
        clientId = r.requiredString(CLIENT_ID);
        clientSecret = EncryptedValues.read(r, CLIENT_SECRET, cipher);
        scopes = scopes(r.strings(SCOPES));
        refreshToken = EncryptedValues.read(r, REFRESH_TOKEN, cipher);
        String grant = r.string(GRANT_TYPE);
        grantType = grant == null ? GRANT_REFRESH_TOKEN : grant.toLowerCase(Locale.ROOT);
        renewBeforeExpirySeconds = r.integer(RENEW_BEFORE_EXPIRY, DEFAULT_RENEW_BEFORE_EXPIRY_SECONDS, 0, 86_400);
        connectTimeoutMs = r.integer(CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT_MS, 1, Integer.MAX_VALUE);
        readTimeoutMs = r.integer(READ_TIMEOUT, DEFAULT_READ_TIMEOUT_MS, 1, Integer.MAX_VALUE);
        proxy = proxy(r);
        keepAlive = duration(r, KEEP_ALIVE, DEFAULT_KEEP_ALIVE, Duration.ZERO, MAX_KEEP_ALIVE,
                "write e.g. P7D (a week, the default), P30D, or PT0S to turn the keep-alive off");
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
            default:
                r.problem(GRANT_TYPE, Printable.quoted(grantType) + " is not supported; use refresh_token or client_credentials");
        }
    }

    /** {@link #from(Map, SecretCipher)} without a CryptoService: an {@code ENC(...)} secret is a problem. */
    static OAuthSettings from(Map<String, ?> properties) throws InvalidConfigurationException {
        return from(properties, SecretCiphers.none());
    }

    /** Reads and validates the configuration; clientSecret and refreshToken written {@code ENC(...)} are decrypted with {@code cipher}. */
    static OAuthSettings from(Map<String, ?> properties, SecretCipher cipher) throws InvalidConfigurationException {
        ConfigReader reader = new ConfigReader(properties);
        OAuthSettings settings = new OAuthSettings(reader, new ConfigReader(properties), cipher);
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
        return "OAuthSettings[grant=" + grantType + ", tokenUrl=" + tokenUrl
                + (refreshUrl.equals(tokenUrl) ? "" : ", refreshUrl=" + refreshUrl) + ", clientId=" + clientId
                + ", clientSecret=" + (clientSecret == null ? "unset" : "***") + ", refreshToken="
                + (refreshToken == null ? "unset" : "***") + ", scopes=" + scopes + (proxy == null ? "" : ", proxy=" + proxy)
                + ", keepAlive=" + (keepAlive.isZero() ? "off" : format(keepAlive)) + "]";
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
        if (scheme.equals("http") && !isLoopback(uri.getHost())) {
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
