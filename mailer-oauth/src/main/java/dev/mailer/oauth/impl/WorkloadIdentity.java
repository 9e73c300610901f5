package dev.mailer.oauth.impl;

import java.io.IOException;
import java.nio.file.Files;

import dev.mailer.api.MailException;

/**
 * AKS workload identity: the client credentials grant at the tenant's token endpoint with the
 * federated token of the pod's service account as client assertion (RFC 7523). The token file is
 * read anew for every request: Kubernetes rotates it (hourly by default), and an old one expires.
 * The assertion is a credential: never logged nor quoted.
 */
final class WorkloadIdentity implements TokenSource {

    private final OAuthSettings settings;
    private final TokenEndpoint endpoint;

    WorkloadIdentity(OAuthSettings settings, TokenEndpoint endpoint) {
        this.settings = settings;
        this.endpoint = endpoint;
    }

    @Override
    public TokenResponse obtain() throws TokenEndpointException, MailException {
        return endpoint.clientAssertion(assertion());
    }

    private String assertion() throws MailException {
        String assertion;
        try {
            assertion = Files.readString(settings.federatedTokenFile).strip();
        } catch (IOException e) {
            throw PasswordlessFailures.federatedTokenUnreadable(settings.federatedTokenFile, e);
        }
        if (assertion.isEmpty()) {
            throw PasswordlessFailures.federatedTokenUnreadable(settings.federatedTokenFile, null);
        }
        return assertion;
    }
}
