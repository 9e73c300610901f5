package dev.mailer.core.impl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /** A Felix interpolation placeholder the plugin could not resolve, e.g. {@code $[env:SMTP_HOST]}. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\[(env|secret|prop|conf):([^;\\]]*)[^\\]]*\\]");

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

    private SmtpSettings(Reader r) {
        host = r.string(HOST, true);
        port = r.integer(PORT, DEFAULT_PORT, 1, 65535);
        user = r.string(USER, false);
        password = r.string(PASSWORD, false);
        fromAddress = r.mailbox(FROM);
        ssl = r.bool(SSL, false);
        starttls = r.bool(STARTTLS, true);
        requireTls = r.bool(REQUIRE_TLS, true);
        debug = r.bool(DEBUG, false);
        oauth = r.bool(OAUTH, false);
        connectTimeoutMs = r.integer(TIMEOUT_CONNECT, DEFAULT_CONNECT_TIMEOUT_MS, 1, Integer.MAX_VALUE);
        readTimeoutMs = r.integer(TIMEOUT_READ, DEFAULT_READ_TIMEOUT_MS, 1, Integer.MAX_VALUE);
        writeTimeoutMs = r.integer(TIMEOUT_WRITE, DEFAULT_WRITE_TIMEOUT_MS, 1, Integer.MAX_VALUE);
        String truststore = r.string(TRUSTSTORE_PATH, false);
        truststorePath = truststore == null ? null : Path.of(truststore);
        String type = r.string(TRUSTSTORE_TYPE, false);
        truststoreType = type == null ? "PKCS12" : type;
        truststorePassword = r.string(TRUSTSTORE_PASSWORD, false);

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
        if (oauth && user == null) {
            r.problem(USER, "oauth.flow=true needs smtp.user: the mailbox the access token belongs to (XOAUTH2 user=)");
        }
        if (!oauth && password != null && user == null) {
            r.problem(USER, "smtp.password is set but smtp.user is empty; set the login name in smtp.user");
        }
        if (truststorePath != null && !Files.isReadable(truststorePath)) {
            r.problem(TRUSTSTORE_PATH, "the file " + truststorePath.toAbsolutePath() + " does not exist or is not readable");
        }
    }

    /**
     * Reads and validates the configuration.
     *
     * @throws InvalidSettingsException listing every problem, each naming its property
     */
    static SmtpSettings from(Map<String, ?> properties) throws InvalidSettingsException {
        Reader reader = new Reader(properties);
        SmtpSettings settings = new SmtpSettings(reader);
        if (!reader.problems.isEmpty()) {
            throw new InvalidSettingsException(reader.problems);
        }
        return settings;
    }

    boolean authenticates() {
        return oauth || user != null;
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

    /** The configuration is invalid; {@link #getMessage()} lists every problem. */
    static final class InvalidSettingsException extends Exception {
        private static final long serialVersionUID = 1L;
        private final List<String> problems;
        private final String firstProperty;

        InvalidSettingsException(List<String[]> problems) {
            super(describe(problems));
            List<String> texts = new ArrayList<>();
            for (String[] p : problems) {
                texts.add(p[0] + ": " + p[1]);
            }
            this.problems = Collections.unmodifiableList(texts);
            this.firstProperty = problems.get(0)[0];
        }

        List<String> problems() {
            return problems;
        }

        String firstProperty() {
            return firstProperty;
        }

        private static String describe(List<String[]> problems) {
            StringBuilder text = new StringBuilder("The configuration of " + DefaultMailService.PID + " is invalid: ");
            for (int i = 0; i < problems.size(); i++) {
                text.append(i == 0 ? "" : "; ").append(problems.get(i)[0]).append(": ").append(problems.get(i)[1]);
            }
            return text.append('.').toString();
        }
    }

    /** Reads typed values from raw properties, collecting problems instead of failing on the first. */
    private static final class Reader {
        private final Map<String, ?> properties;
        final List<String[]> problems = new ArrayList<>();

        Reader(Map<String, ?> properties) {
            this.properties = properties;
        }

        void problem(String property, String text) {
            problems.add(new String[] {property, text});
        }

        /** The value as trimmed text, null when absent or empty; reports unresolved placeholders. */
        private String text(String property) {
            Object value = properties.get(property);
            if (value instanceof String[]) {
                String[] values = (String[]) value;
                value = values.length == 0 ? null : values[0];
            }
            if (value == null) {
                return null;
            }
            String s = value.toString().strip();
            Matcher placeholder = PLACEHOLDER.matcher(s);
            if (placeholder.find()) {
                problem(property, unresolved(placeholder.group(), placeholder.group(1), placeholder.group(2)));
                return null;
            }
            return s.isEmpty() ? null : s;
        }

        String string(String property, boolean required) {
            int before = problems.size();
            String s = text(property);
            if (s == null && required && problems.size() == before) {
                problem(property, "is required but not set");
            }
            return s;
        }

        int integer(String property, int defaultValue, int min, int max) {
            Object raw = properties.get(property);
            long value;
            if (raw instanceof Number) {
                value = ((Number) raw).longValue();
            } else {
                int before = problems.size();
                String s = text(property);
                if (s == null) {
                    return problems.size() == before ? defaultValue : 0;
                }
                try {
                    value = Long.parseLong(s);
                } catch (NumberFormatException e) {
                    problem(property, "'" + s + "' is not a whole number");
                    return 0;
                }
            }
            if (value < min || value > max) {
                problem(property, value + " is out of range " + min + ".." + max);
                return 0;
            }
            return (int) value;
        }

        boolean bool(String property, boolean defaultValue) {
            Object raw = properties.get(property);
            if (raw instanceof Boolean) {
                return (Boolean) raw;
            }
            String s = text(property);
            if (s == null) {
                return defaultValue;
            }
            switch (s.toLowerCase(Locale.ROOT)) {
                case "true":
                    return true;
                case "false":
                    return false;
                default:
                    problem(property, "'" + s + "' is not true or false");
                    return defaultValue;
            }
        }

        String mailbox(String property) {
            String s = string(property, true);
            if (s == null) {
                return null;
            }
            try {
                new InternetAddress(s, true).validate();
                return s;
            } catch (AddressException e) {
                problem(property, "'" + s + "' is not a valid mail address (" + e.getMessage() + ")");
                return null;
            }
        }

        private static String unresolved(String placeholder, String kind, String name) {
            switch (kind) {
                case "env":
                    return "the placeholder " + placeholder + " is not resolved: set the environment variable " + name
                            + " (or give the placeholder a default: $[env:" + name + ";default=...])";
                case "secret":
                    return "the placeholder " + placeholder + " is not resolved: create the file " + name
                            + " in the secrets directory (framework property org.apache.felix.configadmin.plugin.interpolation.secretsdir;"
                            + " MAILER_SECRETS_DIR for the launcher)";
                default:
                    return "the placeholder " + placeholder + " is not resolved: define the property " + name
                            + " or give the placeholder a default";
            }
        }
    }
}
