package dev.mailer.core.impl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.mailer.commons.config.ConfigReader;
import dev.mailer.commons.config.InvalidConfigurationException;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

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
    static final String TIMEOUT_CONNECT = "smtp.timeout.connect";
    static final String TIMEOUT_READ = "smtp.timeout.read";
    static final String TIMEOUT_WRITE = "smtp.timeout.write";
    static final String TRUSTSTORE_PATH = "smtp.truststore.path";
    static final String TRUSTSTORE_TYPE = "smtp.truststore.type";
    static final String TRUSTSTORE_PASSWORD = "smtp.truststore.password";

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
    final int connectTimeoutMs;
    final int readTimeoutMs;
    final int writeTimeoutMs;
    final Path truststorePath;
    final String truststoreType;
    final String truststorePassword;

    private SmtpSettings(ConfigReader r) {
        host = r.requiredString(HOST);
        port = r.integer(PORT, DEFAULT_PORT, 1, 65535);
        user = r.string(USER);
        password = r.string(PASSWORD);
        fromAddress = mailbox(r, FROM);
        ssl = r.bool(SSL, DEFAULT_SSL);
        starttls = r.bool(STARTTLS, DEFAULT_STARTTLS);
        requireTls = r.bool(REQUIRE_TLS, DEFAULT_REQUIRE_TLS);
        debug = r.bool(DEBUG, DEFAULT_DEBUG);
        oauth = r.bool(OAUTH, DEFAULT_OAUTH);
        connectTimeoutMs = r.integer(TIMEOUT_CONNECT, DEFAULT_CONNECT_TIMEOUT_MS, 1, Integer.MAX_VALUE);
        readTimeoutMs = r.integer(TIMEOUT_READ, DEFAULT_READ_TIMEOUT_MS, 1, Integer.MAX_VALUE);
        writeTimeoutMs = r.integer(TIMEOUT_WRITE, DEFAULT_WRITE_TIMEOUT_MS, 1, Integer.MAX_VALUE);
        String truststore = r.string(TRUSTSTORE_PATH);
        truststorePath = truststore == null ? null : Path.of(truststore);
        String type = r.string(TRUSTSTORE_TYPE);
        truststoreType = type == null ? DEFAULT_TRUSTSTORE_TYPE : type;
        truststorePassword = r.string(TRUSTSTORE_PASSWORD);

        if (host != null && host.chars().anyMatch(Character::isWhitespace)) {
            r.problem(HOST, "'" + host + "' is not a host name (it contains white space)");
        }
        if (ssl && starttls) {
            r.problem(SSL, "smtp.ssl and smtp.starttls are both true; choose one: smtp.ssl=true for TLS from the first byte"
                    + " (usually port 465), or smtp.starttls=true to upgrade a plain connection (usually port 587)");
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
        if (truststorePath != null && !Files.isReadable(truststorePath)) {
            r.problem(TRUSTSTORE_PATH, "the file " + truststorePath.toAbsolutePath() + " does not exist or is not readable");
        }
    }

    /**
     * Reads and validates the configuration.
     *
     * @throws InvalidConfigurationException listing every problem, each naming its property
     */
    static SmtpSettings from(Map<String, ?> properties) throws InvalidConfigurationException {
        ConfigReader reader = new ConfigReader(properties);
        SmtpSettings settings = new SmtpSettings(reader);
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
                + ", from=" + fromAddress + (oauth ? ", oauth" : "") + (debug ? ", debug" : "")
                + (truststorePath == null ? "" : ", truststore=" + truststorePath) + "]";
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
            r.problem(property, "'" + s + "' is not a valid mail address (" + e.getMessage() + ")");
            return null;
        }
    }
}
