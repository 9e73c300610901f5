package dev.mailer.core.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

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
            description = "Basic authentication only. Use $[secret:smtp_password].")
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

    @AttributeDefinition(name = "Connect timeout (ms)", description = "How long to wait for the TCP connection.")
    int smtp_timeout_connect() default SmtpSettings.DEFAULT_CONNECT_TIMEOUT_MS;

    @AttributeDefinition(name = "Read timeout (ms)", description = "How long to wait for each server reply.")
    int smtp_timeout_read() default SmtpSettings.DEFAULT_READ_TIMEOUT_MS;

    @AttributeDefinition(name = "Write timeout (ms)", description = "How long a write to the server may block.")
    int smtp_timeout_write() default SmtpSettings.DEFAULT_WRITE_TIMEOUT_MS;

    @AttributeDefinition(name = "Truststore path",
            description = "Keystore file with the CA certificates to trust instead of the JVM's (private CA). Empty: the JVM's truststore.")
    String smtp_truststore_path();

    @AttributeDefinition(name = "Truststore type", description = "PKCS12 or JKS.")
    String smtp_truststore_type() default SmtpSettings.DEFAULT_TRUSTSTORE_TYPE;

    @AttributeDefinition(name = "Truststore password", type = AttributeType.PASSWORD,
            description = "Use $[secret:smtp_truststore_password].")
    String smtp_truststore_password();
}
