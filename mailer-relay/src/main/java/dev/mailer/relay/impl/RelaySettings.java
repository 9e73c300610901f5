package dev.mailer.relay.impl;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Map;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import dev.mailer.commons.config.ConfigReader;
import dev.mailer.commons.config.InvalidConfigurationException;
import dev.mailer.commons.config.ServiceName;

/**
 * The relay's settings, read and validated from its configuration at once (every problem named by its
 * property); immutable. {@link #toString()} shows no secret.
 */
final class RelaySettings {

    static final String PID = "dev.mailer.relay.impl.SmtpRelay";

    static final String BIND = "relay.bind";
    static final String PORT = "relay.port";
    static final String NETWORKS = "relay.networks";
    static final String USERS = "relay.users";
    static final String KEYSTORE_PATH = "relay.tls.keystore.path";
    static final String KEYSTORE_TYPE = "relay.tls.keystore.type";
    static final String KEYSTORE_PASSWORD = "relay.tls.keystore.password";
    static final String MAX_MESSAGE_SIZE = "relay.max.message.size";
    static final String MAX_RECIPIENTS = "relay.max.recipients";
    static final String MAX_CONNECTIONS_PER_CLIENT = "relay.max.connections.per.client";
    static final String MESSAGES_PER_MINUTE_PER_CLIENT = "relay.messages.per.minute.per.client";
    static final String SENDER = "relay.sender";

    static final String DEFAULT_BIND = "127.0.0.1";
    static final int DEFAULT_PORT = 2525;
    static final String DEFAULT_KEYSTORE_TYPE = "PKCS12";
    /** The outbox's own default limit (outbox.message.max.size): a larger message could not be queued anyway. */
    static final int DEFAULT_MAX_MESSAGE_SIZE = 25 * 1024 * 1024;
    static final int DEFAULT_MAX_RECIPIENTS = 100;
    static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 10;
    static final int DEFAULT_MESSAGES_PER_MINUTE_PER_CLIENT = 60;
    static final String DEFAULT_SENDER = "keep";

    /** An IPv4 or IPv6 literal, so that reading the bind address never looks a name up. */
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

    final InetAddress bind;
    /** 0: a free port (tests). */
    final int port;
    final Networks networks;
    final RelayUsers users;
    /** The relay's own TLS for STARTTLS, or null (then no STARTTLS and no logins). */
    final SSLContext tls;
    final int maxMessageSize;
    final int maxRecipients;
    final int maxConnectionsPerClient;
    final int messagesPerMinutePerClient;
    final SenderPolicy sender;
    /** The mail service whose outbox takes the messages. */
    final ServiceName mailService;

    private RelaySettings(ConfigReader config, Map<String, ?> properties) {
        this.bind = bindAddress(config);
        this.port = config.integer(PORT, DEFAULT_PORT, 0, 65535);
        this.networks = networks(config);
        this.users = users(config);
        this.tls = tls(config);
        this.maxMessageSize = config.integer(MAX_MESSAGE_SIZE, DEFAULT_MAX_MESSAGE_SIZE, 1024, Integer.MAX_VALUE);
        this.maxRecipients = config.integer(MAX_RECIPIENTS, DEFAULT_MAX_RECIPIENTS, 1, 10_000);
        this.maxConnectionsPerClient = config.integer(MAX_CONNECTIONS_PER_CLIENT, DEFAULT_MAX_CONNECTIONS_PER_CLIENT, 1, 1000);
        this.messagesPerMinutePerClient = config.integer(MESSAGES_PER_MINUTE_PER_CLIENT, DEFAULT_MESSAGES_PER_MINUTE_PER_CLIENT, 1,
                1_000_000);
        this.sender = sender(config);
        this.mailService = ServiceName.read(properties, config);
        if (!users.isEmpty() && tls == null && !config.hasProblem(KEYSTORE_PATH)) {
            config.problem(USERS, "logins are accepted only after STARTTLS, so users need the relay's own certificate:"
                    + " set " + KEYSTORE_PATH);
        }
    }

    /** @throws InvalidConfigurationException listing every problem, each with its property */
    static RelaySettings from(Map<String, ?> properties) throws InvalidConfigurationException {
        ConfigReader config = new ConfigReader(properties);
        RelaySettings settings = new RelaySettings(config, properties);
        config.throwIfInvalid(PID);
        return settings;
    }

    /** True when nobody may relay: no allowed network and no user (never an open relay). */
    boolean relaysNothing() {
        return networks.isEmpty() && users.isEmpty();
    }

    private static InetAddress bindAddress(ConfigReader config) {
        String text = config.string(BIND);
        String address = text == null ? DEFAULT_BIND : text;
        if (IP_LITERAL.matcher(address).matches()) {
            try {
                return InetAddress.getByName(address);
            } catch (UnknownHostException e) {
                // reported below
            }
        }
        config.problem(BIND, "\"" + address + "\" is not an IP address: use 127.0.0.1, an address of this machine, or 0.0.0.0");
        return InetAddress.getLoopbackAddress();
    }

    private static Networks networks(ConfigReader config) {
        try {
            return Networks.parse(config.strings(NETWORKS));
        } catch (IllegalArgumentException e) {
            config.problem(NETWORKS, e.getMessage());
            return Networks.none();
        }
    }

    private static RelayUsers users(ConfigReader config) {
        String text = config.string(USERS);
        if (text == null) {
            return RelayUsers.none();
        }
        try {
            return RelayUsers.parse(text);
        } catch (IllegalArgumentException e) {
            config.problem(USERS, e.getMessage());
            return RelayUsers.none();
        }
    }

    private static SSLContext tls(ConfigReader config) {
        String path = config.string(KEYSTORE_PATH);
        if (path == null) {
            return null;
        }
        String type = config.string(KEYSTORE_TYPE);
        String password = config.string(KEYSTORE_PASSWORD);
        char[] secret = password == null ? new char[0] : password.toCharArray();
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            KeyStore store = KeyStore.getInstance(type == null ? DEFAULT_KEYSTORE_TYPE : type);
            store.load(in, secret);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, secret);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            config.problem(KEYSTORE_PATH, "cannot load " + path + " as " + (type == null ? DEFAULT_KEYSTORE_TYPE : type) + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage())
                    + " (check the file, " + KEYSTORE_TYPE + " and the password in " + KEYSTORE_PASSWORD + ")");
            return null;
        }
    }

    private static SenderPolicy sender(ConfigReader config) {
        String text = config.string(SENDER);
        try {
            return text == null ? SenderPolicy.parse(DEFAULT_SENDER) : SenderPolicy.parse(text);
        } catch (IllegalArgumentException e) {
            config.problem(SENDER, e.getMessage());
            return SenderPolicy.KEEP;
        }
    }

    @Override
    public String toString() {
        return "RelaySettings[" + bind.getHostAddress() + ":" + port + ", networks=" + networks + ", " + users
                + ", tls=" + (tls != null) + ", maxMessageSize=" + maxMessageSize + ", maxRecipients=" + maxRecipients
                + ", maxConnectionsPerClient=" + maxConnectionsPerClient + ", messagesPerMinutePerClient="
                + messagesPerMinutePerClient + ", sender=" + sender + ", mailService=" + mailService + "]";
    }
}
