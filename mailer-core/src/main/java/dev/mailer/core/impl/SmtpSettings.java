package dev.mailer.core.impl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import org.osgi.framework.Filter;

import dev.mailer.commons.config.ConfigReader;
import dev.mailer.commons.config.ServiceName;
import dev.mailer.commons.config.InvalidConfigurationException;
import dev.mailer.commons.crypto.EncryptedValues;
import dev.mailer.commons.crypto.SecretCipher;
import dev.mailer.commons.crypto.SecretCiphers;
import dev.mailer.commons.text.Printable;

/**
 * The validated, immutable settings of {@link DefaultMailService}, read from the raw
 * configuration properties. Every problem is collected, so that one activation reports all of
 * them, each naming its property and the fix. {@link #toString()} never shows secrets.
 */
final class SmtpSettings {

    static final int DEFAULT_PORT = 587;
    static final int DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
    static final int DEFAULT_READ_TIMEOUT_MS = 60_000;
    static final int DEFAULT_WRITE_TIMEOUT_MS = 60_000;
    static final boolean DEFAULT_SSL = false;
    static final boolean DEFAULT_STARTTLS = true;
    static final boolean DEFAULT_REQUIRE_TLS = true;
    static final boolean DEFAULT_DEBUG = false;
    static final boolean DEFAULT_OAUTH = false;
    static final String DEFAULT_TRUSTSTORE_TYPE = "PKCS12";
    static final String DEFAULT_KEYSTORE_TYPE = "PKCS12";
    /** Exchange Online allows 3 concurrent SMTP connections per mailbox (more get 432 4.3.2). */
    static final int DEFAULT_MAX_CONNECTIONS = 3;
    /** 0: no limit. */
    static final int DEFAULT_RATE_PER_MINUTE = 0;
    /** Below the idle limits servers apply (Postfix 300 s, Exchange Online about 10 min); PT0S: no connection is reused. */
    static final String DEFAULT_POOL_IDLE_TIMEOUT = "PT30S";
    /** Below the limits servers set per connection (Exchange's MaxMessagesPerConnection is 20 on premises, unlimited online). */
    static final int DEFAULT_POOL_MAX_MESSAGES = 100;
    static final String DEFAULT_POOL_MAX_AGE = "PT5M";
    /** 25 MiB: what most providers accept (Exchange Online 35 MB with encoding overhead, Gmail 25 MB). */
    static final int DEFAULT_OUTBOX_MESSAGE_MAX_SIZE = 25 * 1024 * 1024;
    /** Like Postfix's maximal_queue_lifetime (5d), but shorter. */
    static final String DEFAULT_OUTBOX_MAX_AGE = "P3D";
    /** The first retry after a minute, doubling up to {@link #DEFAULT_OUTBOX_RETRY_MAX}. */
    static final String DEFAULT_OUTBOX_RETRY_INITIAL = "PT1M";
    static final String DEFAULT_OUTBOX_RETRY_MAX = "PT1H";
    static final String DEFAULT_OUTBOX_SHUTDOWN_TIMEOUT = "PT10S";

    static final String HOST = "smtp.host";
    static final String PORT = "smtp.port";
    static final String USER = "smtp.user";
    static final String PASSWORD = "smtp.password";
    static final String FROM = "from.address";
    static final String SSL = "smtp.ssl";
    static final String STARTTLS = "smtp.starttls";
    static final String REQUIRE_TLS = "smtp.requiretls";
    static final String DEBUG = "debug.email";
    static final String OAUTH = "oauth.flow";
    /** The token provider reference's target: links the service to the provider it matches, whatever its name. */
    static final String OAUTH_PROVIDER_TARGET = "OAuthProvider.target";
    static final String TIMEOUT_CONNECT = "smtp.timeout.connect";
    static final String TIMEOUT_READ = "smtp.timeout.read";
    static final String TIMEOUT_WRITE = "smtp.timeout.write";
    static final String TRUSTSTORE_PATH = "smtp.truststore.path";
    static final String TRUSTSTORE_TYPE = "smtp.truststore.type";
    static final String TRUSTSTORE_PASSWORD = "smtp.truststore.password";
    static final String KEYSTORE_PATH = "smtp.keystore.path";
    static final String KEYSTORE_TYPE = "smtp.keystore.type";
    static final String KEYSTORE_PASSWORD = "smtp.keystore.password";
    static final String MAX_CONNECTIONS = "smtp.max.connections";
    static final String RATE_PER_MINUTE = "smtp.rate.per.minute";
    static final String POOL_IDLE_TIMEOUT = "smtp.pool.idle.timeout";
    static final String POOL_MAX_MESSAGES = "smtp.pool.max.messages";
    static final String POOL_MAX_AGE = "smtp.pool.max.age";
    static final String OUTBOX_MESSAGE_MAX_SIZE = "outbox.message.max.size";
    static final String OUTBOX_MAX_AGE = "outbox.max.age";
    static final String OUTBOX_RETRY_INITIAL = "outbox.retry.initial";
    static final String OUTBOX_RETRY_MAX = "outbox.retry.max";
    static final String OUTBOX_SHUTDOWN_TIMEOUT = "outbox.shutdown.timeout";
    /** The name TLS verifies (SNI and host-name check) when smtp.host is a forwarder, e.g. AEM's proxy.tunnel. */
    static final String TLS_SERVERNAME = "smtp.tls.servername";
    /** Empty: smtp.host. */
    static final String DEFAULT_TLS_SERVERNAME = "";

    final String host;
    final int port;
    final String user;
    final String password;
    final String fromAddress;
    final boolean ssl;
    final boolean starttls;
    final boolean requireTls;
    final boolean debug;
    final boolean oauth;
    /** The provider of {@value #OAUTH_PROVIDER_TARGET}; null: the provider of this service's name. */
    final Filter oauthProviderTarget;
    final int connectTimeoutMs;
    final int readTimeoutMs;
    final int writeTimeoutMs;
    final Path truststorePath;
    final String truststoreType;
    final String truststorePassword;
    /** The client certificate's key store; null: no client certificate. */
    final Path keystorePath;
    final String keystoreType;
    final String keystorePassword;
    final int maxConnections;
    final int ratePerMinute;
    final Duration poolIdleTimeout;
    final int poolMaxMessages;
    final Duration poolMaxAge;
    final int outboxMessageMaxSize;
    final Duration outboxMaxAge;
    final Duration retryInitial;
    final Duration retryMax;
    final Duration shutdownTimeout;
    /** The name the server's certificate is verified for and sent as SNI: smtp.tls.servername, else smtp.host. */
    final String tlsServerName;
    /** Whether smtp.tls.servername is set, so that TLS verifies another name than the host connected to. */
    final boolean tlsServerNameSet;
    /** smtp.ssl and smtp.starttls were both true: smtp.ssl wins, {@link #starttls} is false. */
    final boolean sslWinsOverStartTls;

    /** @param cipher decrypts the passwords written {@code ENC(...)} */
    private SmtpSettings(ConfigReader r, SecretCipher cipher) {
        host = r.requiredString(HOST);
        port = r.integer(PORT, DEFAULT_PORT, 1, 65535);
        user = r.string(USER);
        password = EncryptedValues.read(r, PASSWORD, cipher);
        fromAddress = mailbox(r, FROM);
        ssl = r.bool(SSL, DEFAULT_SSL);
        boolean starttlsSetting = r.bool(STARTTLS, DEFAULT_STARTTLS);
        // AEM's documented rule: smtp.ssl=true wins over smtp.starttls (a warning, SmtpFailures.sslWinsOverStartTls)
        starttls = starttlsSetting && !ssl;
        sslWinsOverStartTls = ssl && starttlsSetting;
        requireTls = r.bool(REQUIRE_TLS, DEFAULT_REQUIRE_TLS);
        debug = r.bool(DEBUG, DEFAULT_DEBUG);
        oauth = r.bool(OAUTH, DEFAULT_OAUTH);
        oauthProviderTarget = r.filter(OAUTH_PROVIDER_TARGET);
        connectTimeoutMs = r.integer(TIMEOUT_CONNECT, DEFAULT_CONNECT_TIMEOUT_MS, 1, Integer.MAX_VALUE);
        readTimeoutMs = r.integer(TIMEOUT_READ, DEFAULT_READ_TIMEOUT_MS, 1, Integer.MAX_VALUE);
        writeTimeoutMs = r.integer(TIMEOUT_WRITE, DEFAULT_WRITE_TIMEOUT_MS, 1, Integer.MAX_VALUE);
        truststorePath = r.path(TRUSTSTORE_PATH);
        String type = r.string(TRUSTSTORE_TYPE);
        truststoreType = type == null ? DEFAULT_TRUSTSTORE_TYPE : type;
        truststorePassword = EncryptedValues.read(r, TRUSTSTORE_PASSWORD, cipher);
        keystorePath = r.path(KEYSTORE_PATH);
        String keyType = r.string(KEYSTORE_TYPE);
        keystoreType = keyType == null ? DEFAULT_KEYSTORE_TYPE : keyType;
        keystorePassword = EncryptedValues.read(r, KEYSTORE_PASSWORD, cipher);
        maxConnections = r.integer(MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS, 1, 100);
        ratePerMinute = r.integer(RATE_PER_MINUTE, DEFAULT_RATE_PER_MINUTE, 0, 60_000);
        poolIdleTimeout = r.duration(POOL_IDLE_TIMEOUT, Duration.parse(DEFAULT_POOL_IDLE_TIMEOUT), Duration.ZERO);
        poolMaxMessages = r.integer(POOL_MAX_MESSAGES, DEFAULT_POOL_MAX_MESSAGES, 1, 1_000_000);
        poolMaxAge = r.duration(POOL_MAX_AGE, Duration.parse(DEFAULT_POOL_MAX_AGE), Duration.ZERO);
        outboxMessageMaxSize = r.integer(OUTBOX_MESSAGE_MAX_SIZE, DEFAULT_OUTBOX_MESSAGE_MAX_SIZE, 1, Integer.MAX_VALUE);
        outboxMaxAge = r.duration(OUTBOX_MAX_AGE, Duration.parse(DEFAULT_OUTBOX_MAX_AGE), Duration.ZERO);
        retryInitial = r.duration(OUTBOX_RETRY_INITIAL, Duration.parse(DEFAULT_OUTBOX_RETRY_INITIAL), Duration.ofMillis(10));
        retryMax = r.duration(OUTBOX_RETRY_MAX, Duration.parse(DEFAULT_OUTBOX_RETRY_MAX), Duration.ofMillis(10));
        shutdownTimeout = r.duration(OUTBOX_SHUTDOWN_TIMEOUT, Duration.parse(DEFAULT_OUTBOX_SHUTDOWN_TIMEOUT), Duration.ZERO);
        String serverName = r.string(TLS_SERVERNAME);
        tlsServerNameSet = serverName != null;
        tlsServerName = tlsServerNameSet ? serverName : host;
        if (tlsServerNameSet && serverName.chars().anyMatch(Character::isWhitespace)) {
            r.problem(TLS_SERVERNAME, Printable.quoted(serverName) + " is not a host name (it contains white space)");
        }

        if (host != null && host.chars().anyMatch(Character::isWhitespace)) {
            r.problem(HOST, Printable.quoted(host) + " is not a host name (it contains white space)");
        }
        if (requireTls && !ssl && !starttls) {
            r.problem(REQUIRE_TLS, "smtp.requiretls=true but neither smtp.ssl nor smtp.starttls is true, so the connection"
                    + " could never be encrypted; set smtp.starttls=true (port 587) or smtp.ssl=true (port 465),"
                    + " or smtp.requiretls=false for a trusted local relay only");
        }
        if (oauth && user == null && !r.hasProblem(USER)) {
            r.problem(USER, "oauth.flow=true needs smtp.user: the mailbox the access token belongs to (XOAUTH2 user=)");
        }
        if (!oauth && password != null && user == null && !r.hasProblem(USER)) {
            r.problem(USER, "smtp.password is set but smtp.user is empty; set the login name in smtp.user");
        }
        if (retryMax.compareTo(retryInitial) < 0 && !r.hasProblem(OUTBOX_RETRY_MAX)) {
            r.problem(OUTBOX_RETRY_MAX, retryMax + " is shorter than " + OUTBOX_RETRY_INITIAL + "=" + retryInitial
                    + "; the longest wait between retries cannot be shorter than the first");
        }
        if (truststorePath != null && !Files.isReadable(truststorePath)) {
            r.problem(TRUSTSTORE_PATH, "the file " + Printable.of(truststorePath.toAbsolutePath().toString()) + " does not exist or is not readable");
        }
        if (keystorePath != null && !Files.isReadable(keystorePath)) {
            r.problem(KEYSTORE_PATH, "the file " + Printable.of(keystorePath.toAbsolutePath().toString()) + " does not exist or is not readable");
        }
    }

    /** {@link #from(Map, SecretCipher)} without a CryptoService: an {@code ENC(...)} password is a problem. */
    static SmtpSettings from(Map<String, ?> properties) throws InvalidConfigurationException {
        return from(properties, SecretCiphers.none());
    }

    /**
     * Reads and validates the configuration; passwords written {@code ENC(...)} are decrypted with {@code cipher}.
     *
     * @throws InvalidConfigurationException listing every problem, each naming its property
     */
    static SmtpSettings from(Map<String, ?> properties, SecretCipher cipher) throws InvalidConfigurationException {
        ConfigReader reader = new ConfigReader(properties);
        SmtpSettings settings = new SmtpSettings(reader, cipher);
        ServiceName.read(properties, reader);
        reader.throwIfInvalid(DefaultMailService.PID);
        return settings;
    }

    /** "host:port", for messages. */
    String server() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return "SmtpSettings[" + server() + (ssl ? ", ssl" : "") + (starttls ? ", starttls" : "")
                + (requireTls ? ", requiretls" : "") + ", user=" + user + ", password=" + (password == null ? "unset" : "***")
                + ", from=" + fromAddress + (oauth ? ", oauth" : "")
                + (oauthProviderTarget == null ? "" : ", " + OAUTH_PROVIDER_TARGET + "=" + oauthProviderTarget) + (debug ? ", debug" : "")
                + (truststorePath == null ? "" : ", truststore=" + truststorePath)
                + (tlsServerNameSet ? ", tls.servername=" + tlsServerName : "")
                + (keystorePath == null ? "" : ", keystore=" + keystorePath) + "]";
    }

    private static String mailbox(ConfigReader r, String property) {
        String s = r.requiredString(property);
        if (s == null) {
            return null;
        }
        try {
            new InternetAddress(s, true).validate();
            return s;
        } catch (AddressException e) {
            r.problem(property, Printable.quoted(s) + " is not a valid mail address (" + Printable.of(e.getMessage()) + ")");
            return null;
        }
    }
}
