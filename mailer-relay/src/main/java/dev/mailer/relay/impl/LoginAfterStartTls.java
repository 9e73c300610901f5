package dev.mailer.relay.impl;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.AuthenticationHandlerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.Session;

/**
 * PLAIN and LOGIN for the relay's users, refused ({@code 538 5.7.11}) on a connection that has not
 * run STARTTLS: a password never crosses the network in clear; and refused ({@code 454 4.7.0}, without
 * checking the password) to a client over its failed logins ({@link ClientLimits}).
 */
final class LoginAfterStartTls implements AuthenticationHandlerFactory {

    private final EasyAuthenticationHandlerFactory logins;

    private final ClientLimits limits;

    LoginAfterStartTls(RelayUsers users, ClientLimits limits) {
        this.limits = limits;
        this.logins = new EasyAuthenticationHandlerFactory((user, password, context) -> {
            try {
                users.login(user, password, context);
            } catch (LoginFailedException e) {
                limits.loginFailed(client(context));
                throw e;
            }
        });
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
                InetAddress client = client(context);
                if (!limits.mayTryLogin(client)) {
                    throw RelayReplies.tooManyFailedLogins(client);
                }
                return login.auth(clientInput, context);
            }

            @Override
            public Object getIdentity() {
                return login.getIdentity();
            }
        };
    }

    private static InetAddress client(MessageContext context) {
        return ((InetSocketAddress) context.getRemoteAddress()).getAddress();
    }
}
