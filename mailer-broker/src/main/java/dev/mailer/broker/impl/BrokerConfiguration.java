package dev.mailer.broker.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Settings of {@link TokenBroker}; {@link BrokerSettings} reads and validates them, this interface
 * describes them for metatype.
 */
@ObjectClassDefinition(name = "Mailer - token broker",
        description = "A Unix domain socket that answers TOKEN with the current OAuth2 access token, and XOAUTH2 user@domain"
                + " with the base64 XOAUTH2 client response, for exim, msmtp, git send-email and similar.")
public @interface BrokerConfiguration {

    @AttributeDefinition(name = "Socket", description = "Absolute path of the socket file, e.g. /run/mailer/token.sock;"
            + " its folder must exist. A file left there by an earlier run is replaced.")
    String broker_socket();

    @AttributeDefinition(name = "Permissions", description = "Of the socket file, as ls shows them: whoever may write to"
            + " it may read tokens. Owner and group only: others never.")
    String broker_permissions() default BrokerSettings.DEFAULT_PERMISSIONS;

    @AttributeDefinition(name = "Group", description = "Group of the socket file (e.g. mail, for exim); empty: the"
            + " process's own.")
    String broker_group();

    @AttributeDefinition(name = "Mail service", description = "Whose token provider answers (mail.service.name);"
            + " empty: the default one.")
    String mail_service_name();
}
