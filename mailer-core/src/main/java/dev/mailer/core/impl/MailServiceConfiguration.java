package dev.mailer.core.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import dev.mailer.commons.crypto.SecretCiphers;

/**
 * Settings of {@link DefaultMailService}, named as in AEM's Day CQ Mail Service so an AEM
 * configuration carries over. Values may be {@code $[env:...]} / {@code $[secret:...]}
 * placeholders resolved by the ConfigAdmin interpolation plugin. {@link SmtpSettings} reads and
 * validates the raw values; this interface describes them for metatype (and so for the Web Console).
 */
@ObjectClassDefinition(name = "Mailer - SMTP mail service",
        description = "SMTP server, sender, TLS and authentication of the mail service.")
public @interface MailServiceConfiguration {

    @AttributeDefinition(name = "SMTP server host name", description = "e.g. smtp.office365.com. Required.")
    String smtp_host();

    @AttributeDefinition(name = "SMTP server port", description = "587 for STARTTLS, 465 for SSL, 1..65535.")
    int smtp_port() default SmtpSettings.DEFAULT_PORT;

    @AttributeDefinition(name = "SMTP user", description = "Login name; for OAuth the mailbox the token belongs to.")
    String smtp_user();

    @AttributeDefinition(name = "SMTP password", type = AttributeType.PASSWORD,
            description = "Basic authentication only. Use $[secret:smtp_password], or a value encrypted with"
                    + " java -jar mailer.jar encrypt: ENC(...).")
    String smtp_password();

    @AttributeDefinition(name = "\"From\" address", description = "Default sender. Required.")
    String from_address();

    @AttributeDefinition(name = "SMTP use SSL", description = "TLS from the first byte (port 465).")
    boolean smtp_ssl() default SmtpSettings.DEFAULT_SSL;

    @AttributeDefinition(name = "SMTP use STARTTLS", description = "Upgrade the connection with STARTTLS (port 587).")
    boolean smtp_starttls() default SmtpSettings.DEFAULT_STARTTLS;

    @AttributeDefinition(name = "SMTP require TLS",
            description = "Refuse to authenticate or send when the connection cannot be encrypted.")
    boolean smtp_requiretls() default SmtpSettings.DEFAULT_REQUIRE_TLS;

    @AttributeDefinition(name = "Debug email", description = "Log the SMTP dialogue (credentials and tokens redacted).")
    boolean debug_email() default SmtpSettings.DEFAULT_DEBUG;

    @AttributeDefinition(name = "OAuth flow", description = "Authenticate with XOAUTH2 using the OAuthConfigurationProvider.")
    boolean oauth_flow() default SmtpSettings.DEFAULT_OAUTH;

    @AttributeDefinition(name = "OAuth provider",
            description = "Filter linking this service to the OAuthConfigurationProvider it matches, whatever that provider's name,"
                    + " e.g. (mail.service.name=shared); of several, the highest service.ranking. Empty: the provider of this"
                    + " service's own mail.service.name.")
    String OAuthProvider_target();

    @AttributeDefinition(name = "Connect timeout (ms)", description = "How long to wait for the TCP connection.")
    int smtp_timeout_connect() default SmtpSettings.DEFAULT_CONNECT_TIMEOUT_MS;

    @AttributeDefinition(name = "Read timeout (ms)", description = "How long to wait for each server reply.")
    int smtp_timeout_read() default SmtpSettings.DEFAULT_READ_TIMEOUT_MS;

    @AttributeDefinition(name = "Write timeout (ms)", description = "How long a write to the server may block.")
    int smtp_timeout_write() default SmtpSettings.DEFAULT_WRITE_TIMEOUT_MS;

    @AttributeDefinition(name = "Truststore path",
            description = "Keystore or PEM file with the CA certificates to trust instead of the JVM's (private CA). Empty: the JVM's truststore.")
    String smtp_truststore_path();

    @AttributeDefinition(name = "Truststore type",
            description = "PKCS12, JKS or PEM (one or more -----BEGIN CERTIFICATE----- blocks; no password).")
    String smtp_truststore_type() default SmtpSettings.DEFAULT_TRUSTSTORE_TYPE;

    @AttributeDefinition(name = "Truststore password", type = AttributeType.PASSWORD,
            description = "Use $[secret:smtp_truststore_password].")
    String smtp_truststore_password();

    @AttributeDefinition(name = "Client certificate path",
            description = "Key store or PEM file with the client's private key and certificate chain, for servers and relay"
                    + " connectors that authenticate the sender by certificate. Empty: no client certificate.")
    String smtp_keystore_path();

    @AttributeDefinition(name = "Client certificate type",
            description = "PKCS12, JKS or PEM (an unencrypted PKCS#8 -----BEGIN PRIVATE KEY----- block and the certificate chain).")
    String smtp_keystore_type() default SmtpSettings.DEFAULT_KEYSTORE_TYPE;

    @AttributeDefinition(name = "Client certificate password", type = AttributeType.PASSWORD,
            description = "Password of the key store and its key. Use $[secret:smtp_keystore_password].")
    String smtp_keystore_password();

    @AttributeDefinition(name = "Max connections",
            description = "At most this many SMTP connections at once, for sends and outbox deliveries together: the size of the"
                    + " pool of logged-in connections (Exchange Online allows 3 per mailbox). A send waits up to the connect"
                    + " timeout for a free one.")
    int smtp_max_connections() default SmtpSettings.DEFAULT_MAX_CONNECTIONS;

    @AttributeDefinition(name = "Pool: idle timeout",
            description = "ISO-8601 duration; a logged-in connection unused for this long is closed. PT0S: one connection per message.")
    String smtp_pool_idle_timeout() default SmtpSettings.DEFAULT_POOL_IDLE_TIMEOUT;

    @AttributeDefinition(name = "Pool: max messages per connection",
            description = "A connection is closed after this many messages, and a new one opened for the next.")
    int smtp_pool_max_messages() default SmtpSettings.DEFAULT_POOL_MAX_MESSAGES;

    @AttributeDefinition(name = "Pool: max connection age",
            description = "ISO-8601 duration; a connection is not used any more once it is this old. With OAuth, a connection is"
                    + " retired before its access token expires and as soon as the token is renewed.")
    String smtp_pool_max_age() default SmtpSettings.DEFAULT_POOL_MAX_AGE;

    @AttributeDefinition(name = "Messages per minute",
            description = "At most this many outbox deliveries a minute (Exchange Online: 30); 0 for no limit.")
    int smtp_rate_per_minute() default SmtpSettings.DEFAULT_RATE_PER_MINUTE;

    @AttributeDefinition(name = "Outbox: max message size (bytes)",
            description = "A larger message is refused when it is queued, naming both sizes.")
    int outbox_message_max_size() default SmtpSettings.DEFAULT_OUTBOX_MESSAGE_MAX_SIZE;

    @AttributeDefinition(name = "Outbox: max age",
            description = "ISO-8601 duration; a message still failing transiently after this long becomes a dead letter.")
    String outbox_max_age() default SmtpSettings.DEFAULT_OUTBOX_MAX_AGE;

    @AttributeDefinition(name = "Outbox: first retry after",
            description = "ISO-8601 duration; the wait after the first transient failure, doubled after each (with jitter).")
    String outbox_retry_initial() default SmtpSettings.DEFAULT_OUTBOX_RETRY_INITIAL;

    @AttributeDefinition(name = "Outbox: longest wait between retries", description = "ISO-8601 duration.")
    String outbox_retry_max() default SmtpSettings.DEFAULT_OUTBOX_RETRY_MAX;

    @AttributeDefinition(name = "Outbox: shutdown timeout",
            description = "ISO-8601 duration; on stop or reconfiguration, how long deliveries in flight may finish.")
    String outbox_shutdown_timeout() default SmtpSettings.DEFAULT_OUTBOX_SHUTDOWN_TIMEOUT;

    @AttributeDefinition(name = "TLS server name",
            description = "The name sent as SNI and verified in the server's certificate, when smtp.host is a forwarder"
                    + " (AEM as a Cloud Service: proxy.tunnel): the real SMTP server's name. Empty: smtp.host.")
    String smtp_tls_servername() default SmtpSettings.DEFAULT_TLS_SERVERNAME;

    @AttributeDefinition(name = "CryptoService",
            description = "Filter selecting the Apache Sling Commons Crypto CryptoService that decrypts passwords written"
                    + " ENC(...) and encrypts the outbox's messages. Without one, messages are stored unencrypted (owner-only files).")
    String cryptoService_target() default SecretCiphers.DEFAULT_TARGET;

    @AttributeDefinition(name = "CryptoService of the previous key",
            description = "During a key rotation: the CryptoService of the previous key, which only decrypts what it encrypted"
                    + " (until java -jar mailer.jar reencrypt, or a Reencryption service, wrote it again with the current key).")
    String previousCryptoService_target() default SecretCiphers.DEFAULT_PREVIOUS_TARGET;
}
