package dev.mailer.relay.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Settings of {@link SmtpRelay}. Values may be {@code $[env:...]} / {@code $[secret:...]} placeholders
 * resolved by the ConfigAdmin interpolation plugin. {@link RelaySettings} reads and validates the raw
 * values; this interface describes them for metatype (and so for the Web Console).
 */
@ObjectClassDefinition(name = "Mailer - SMTP relay",
        description = "An SMTP listener for devices that speak plain SMTP only: what it accepts goes into the outbox of a"
                + " mail service. Relays nothing until relay.networks or relay.users is set.")
public @interface RelayConfiguration {

    @AttributeDefinition(name = "Bind address", description = "IP address to listen on: 127.0.0.1 for this machine"
            + " only, an address of this machine in the LAN for its devices, 0.0.0.0 for every interface.")
    String relay_bind() default RelaySettings.DEFAULT_BIND;

    @AttributeDefinition(name = "Port", description = "TCP port, 1..65535 (25 needs privileges on most systems).")
    int relay_port() default RelaySettings.DEFAULT_PORT;

    @AttributeDefinition(name = "Allowed networks", description = "Clients from these CIDR ranges or addresses may relay"
            + " without a login, e.g. 192.168.10.0/24, 10.1.2.3, fd00::/8. Addresses only, no host names.")
    String[] relay_networks();

    @AttributeDefinition(name = "Users", type = AttributeType.PASSWORD, description = "Users who may relay after"
            + " STARTTLS and a login (PLAIN or LOGIN): one name:hash per line, each line as printed by"
            + " java -jar mailer.jar relay-user NAME. Use $[secret:relay_users].")
    String relay_users();

    @AttributeDefinition(name = "TLS keystore", description = "PKCS12 (or JKS) file with the relay's own key and"
            + " certificate for STARTTLS; required for users.")
    String relay_tls_keystore_path();

    @AttributeDefinition(name = "TLS keystore type", description = "PKCS12 or JKS.")
    String relay_tls_keystore_type() default RelaySettings.DEFAULT_KEYSTORE_TYPE;

    @AttributeDefinition(name = "TLS keystore password", type = AttributeType.PASSWORD,
            description = "Use $[secret:relay_tls_keystore_password].")
    String relay_tls_keystore_password();

    @AttributeDefinition(name = "Largest message (bytes)", description = "Announced with SIZE; larger messages are refused.")
    int relay_max_message_size() default RelaySettings.DEFAULT_MAX_MESSAGE_SIZE;

    @AttributeDefinition(name = "Recipients per message")
    int relay_max_recipients() default RelaySettings.DEFAULT_MAX_RECIPIENTS;

    @AttributeDefinition(name = "Connections per client", description = "Open at once from one address.")
    int relay_max_connections_per_client() default RelaySettings.DEFAULT_MAX_CONNECTIONS_PER_CLIENT;

    @AttributeDefinition(name = "Messages per minute per client")
    int relay_messages_per_minute_per_client() default RelaySettings.DEFAULT_MESSAGES_PER_MINUTE_PER_CLIENT;

    @AttributeDefinition(name = "Sender", description = "keep: the device's sender and From as sent; rewrite: the mail"
            + " service's from.address, with the device's From as Reply-To.",
            options = {@Option(label = "keep", value = "keep"), @Option(label = "rewrite", value = "rewrite")})
    String relay_sender() default RelaySettings.DEFAULT_SENDER;

    @AttributeDefinition(name = "Mail service", description = "The name of the mail service whose outbox takes the"
            + " messages (mail.service.name); empty: the default mail service.")
    String mail_service_name();
}
