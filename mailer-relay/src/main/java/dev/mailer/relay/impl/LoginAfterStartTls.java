package dev.mailer.relay.impl;

import java.util.List;
import java.util.Optional;

import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.AuthenticationHandlerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.server.Session;

/**
 * PLAIN and LOGIN for the relay's users, refused ({@code 538 5.7.11}) on a connection that has not
 * run STARTTLS: a password never crosses the network in clear.
 */
final class LoginAfterStartTls implements AuthenticationHandlerFactory {

    private final EasyAuthenticationHandlerFactory logins;

    LoginAfterStartTls(RelayUsers users) {
        this.logins = new EasyAuthenticationHandlerFactory(users);
    }

    @Override
    public List<String> getAuthenticationMechanisms() {
        return logins.getAuthenticationMechanisms();
    }

    @Override
    public AuthenticationHandler create() {
        AuthenticationHandler login = logins.create();
        return new AuthenticationHandler() {
            @Override
            public Optional<String> auth(String clientInput, MessageContext context) throws RejectException {
                if (!(context instanceof Session) || !((Session) context).isTLSStarted()) {
                    throw RelayReplies.encryptionRequired();
                }
                return login.auth(clientInput, context);
            }

            @Override
            public Object getIdentity() {
                return login.getIdentity();
            }
        };
    }
}
