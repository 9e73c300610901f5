package dev.mailer.it.support;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.mailer.testsupport.pki.TestPki;


/**
 * A configuration of the mail service (PID {@code dev.mailer.core.impl.DefaultMailService}) that a
 * test applies through ConfigAdmin, with the AEM property names. Starts from what every scenario
 * shares: host localhost, the sender of the .cfg.json file's environment, short timeouts.
 */
public final class MailConfig {

    private final Map<String, Object> properties = new LinkedHashMap<>();

    private MailConfig() {
    }

    /** Towards {@code localhost:port}, no TLS mode chosen yet. */
    public static MailConfig server(int port) {
        MailConfig config = new MailConfig();
        config.set("smtp.host", "localhost");
        config.set("smtp.port", port);
        config.set("from.address", System.getenv("SMTP_FROM"));
        config.set("smtp.timeout.connect", 5_000);
        config.set("smtp.timeout.read", 10_000);
        config.set("smtp.timeout.write", 10_000);
        config.set("debug.email", false);
        config.set("oauth.flow", false);
        return config;
    }

    /** TLS from the first byte (smtp.ssl=true, smtp.starttls=false). */
    public MailConfig ssl() {
        return set("smtp.ssl", true).set("smtp.starttls", false).set("smtp.requiretls", true);
    }

    /** STARTTLS, required (smtp.starttls=true, smtp.requiretls=true). */
    public MailConfig startTls() {
        return set("smtp.ssl", false).set("smtp.starttls", true).set("smtp.requiretls", true);
    }

    /** No TLS at all: a trusted local relay (smtp.requiretls=false). */
    public MailConfig plainRelay() {
        return set("smtp.ssl", false).set("smtp.starttls", false).set("smtp.requiretls", false);
    }

    public MailConfig login(String user, String password) {
        return set("smtp.user", user).set("smtp.password", password);
    }

    /** Trusts the test CA through smtp.truststore.path / .type / .password. */
    public MailConfig truststore(TestPki pki) {
        return set("smtp.truststore.path", pki.truststore().toString())
                .set("smtp.truststore.type", "PKCS12")
                .set("smtp.truststore.password", pki.truststorePassword());
    }

    public MailConfig debug(boolean debug) {
        return set("debug.email", debug);
    }

    public MailConfig set(String property, Object value) {
        properties.put(property, value);
        return this;
    }

    public MailConfig remove(String property) {
        properties.remove(property);
        return this;
    }

    public Object get(String property) {
        return properties.get(property);
    }

    /** The properties as ConfigAdmin takes them, plus {@code extra}. */
    public Dictionary<String, Object> toDictionary(Map<String, Object> extra) {
        Hashtable<String, Object> dictionary = new Hashtable<>(properties);
        dictionary.putAll(extra);
        return dictionary;
    }

    @Override
    public String toString() {
        Map<String, Object> shown = new LinkedHashMap<>(properties);
        shown.replaceAll((k, v) -> k.contains("password") && v != null ? "***" : v);
        return "MailConfig" + shown;
    }
}
