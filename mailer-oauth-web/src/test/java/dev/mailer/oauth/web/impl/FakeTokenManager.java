package dev.mailer.oauth.web.impl;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.mailer.api.MailException;
import dev.mailer.api.oauth.AuthorizationRequest;
import dev.mailer.api.oauth.DeviceAuthorization;
import dev.mailer.api.oauth.OAuthTokenManager;
import dev.mailer.api.oauth.TokenStatus;

/** Records what the servlets ask and answers as the test set it up. */
final class FakeTokenManager implements OAuthTokenManager {

    static final URI PROVIDER_URL = URI.create("https://login.example.com/tenant/oauth2/v2.0/authorize?client_id=app"
            + "&redirect_uri=https%3A%2F%2Faem.example.com%2Fservices%2Fmailer%2Foauth2%2Ftoken&state=s1&code_challenge=c1"
            + "&code_challenge_method=S256");

    final List<String> redirectUris = new ArrayList<>();
    URI providerUrl = PROVIDER_URL;
    final List<Map<String, String>> callbacks = new ArrayList<>();
    MailException failure;
    TokenStatus status = TokenStatus.builder().grantType("refresh_token").clientId("app-123")
            .expiresAt(Instant.parse("2030-01-02T03:04:05Z")).grantedScopes("https://outlook.office.com/SMTP.Send")
            .refreshTokenSource(TokenStatus.RefreshTokenSource.AUTHORIZED).build();

    @Override
    public TokenStatus getStatus() {
        return status;
    }

    @Override
    public AuthorizationRequest beginAuthorization(String redirectUri) throws MailException {
        redirectUris.add(redirectUri);
        if (failure != null) {
            throw failure;
        }
        return new AuthorizationRequest(providerUrl, redirectUri == null ? "https://configured.example.com/cb" : redirectUri, "s1",
                Instant.parse("2030-01-01T00:10:00Z"));
    }

    @Override
    public TokenStatus completeAuthorization(Map<String, String> callbackParameters) throws MailException {
        callbacks.add(callbackParameters);
        if (failure != null) {
            throw failure;
        }
        return status;
    }

    @Override
    public DeviceAuthorization beginDeviceAuthorization() {
        throw new UnsupportedOperationException("not used by the servlets");
    }

    @Override
    public TokenStatus completeDeviceAuthorization(DeviceAuthorization authorization) {
        throw new UnsupportedOperationException("not used by the servlets");
    }
}
