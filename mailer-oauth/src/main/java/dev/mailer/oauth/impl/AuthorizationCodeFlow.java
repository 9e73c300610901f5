package dev.mailer.oauth.impl;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.MailException;
import dev.mailer.api.oauth.AuthorizationRequest;
import dev.mailer.api.oauth.TokenStatus;
import dev.mailer.commons.pending.PendingRequests;

/**
 * The authorization-code flow with PKCE (RFC 7636, S256) and {@code state}, which bootstraps a
 * refresh token: the mailbox owner signs in at the URL from {@link #begin}, the provider sends the
 * browser to the redirect URI, and {@link #complete} exchanges the code. The verifier never leaves
 * this process until the code exchange, so an intercepted code is useless; the state ties the
 * redirect to a request this process started. Thread-safe.
 */
final class AuthorizationCodeFlow {

    private static final Logger LOG = LoggerFactory.getLogger(AuthorizationCodeFlow.class);

    /** How long a started flow waits for its redirect: enough to sign in, short enough to bound replay. */
    static final Duration EXPIRY = Duration.ofMinutes(10);
    /** Operators start a few of these; more are abandoned or abuse. */
    static final int MAX_PENDING = 64;
    /** RFC 7636 4.1: 32 random octets give a 43-character verifier. */
    private static final int VERIFIER_BYTES = 32;

    private final OAuthSettings settings;
    private final TokenEndpoint endpoint;
    private final AccessTokens tokens;
    private final Clock clock;
    private final PendingRequests<Pending> pending;

    AuthorizationCodeFlow(OAuthSettings settings, TokenEndpoint endpoint, AccessTokens tokens, Clock clock) {
        this.settings = settings;
        this.endpoint = endpoint;
        this.tokens = tokens;
        this.clock = clock;
        this.pending = new PendingRequests<>(MAX_PENDING, clock);
    }

    /** @param redirectUri null or empty for the configured authCodeRedirectUrl */
    AuthorizationRequest begin(String redirectUri) throws MailException {
        if (settings.authUrl == null) {
            throw OAuthFailures.authUrlMissing(settings);
        }
        String redirect = redirectUri == null || redirectUri.isBlank() ? settings.redirectUrl : redirectUri.strip();
        if (redirect == null) {
            throw OAuthFailures.redirectUrlMissing(settings);
        }
        String verifier = PendingRequests.randomBase64Url(VERIFIER_BYTES);
        Instant expiresAt = clock.instant().plus(EXPIRY);
        String state = pending.add(new Pending(redirect, verifier), expiresAt);
        URI url = authorizationUrl(redirect, state, challenge(verifier));
        LOG.info("Started an authorization (code with PKCE) at {} for the redirect URI {}, open until {}", settings.authUrl,
                redirect, expiresAt);
        return new AuthorizationRequest(url, redirect, state, expiresAt);
    }

    /** @param callback the query parameters the provider sent to the redirect URI */
    TokenStatus complete(Map<String, String> callback) throws MailException {
        String state = callback.get("state");
        // taken before anything else: a state is used once, whatever the outcome
        Pending request = state == null ? null : pending.take(state);
        String error = callback.get("error");
        if (error != null && !error.isBlank()) {
            throw OAuthFailures.authorizationError(error, callback.get("error_description"), settings);
        }
        if (request == null) {
            throw OAuthFailures.unknownAuthorizationResponse(EXPIRY);
        }
        String code = callback.get("code");
        if (code == null || code.isBlank()) {
            throw OAuthFailures.noCodeInRedirect();
        }
        Instant requestedAt = clock.instant();
        TokenResponse response;
        try {
            response = endpoint.authorizationCode(code, request.redirectUri, request.verifier);
        } catch (TokenEndpointException e) {
            throw OAuthFailures.authorizationFailure(e, settings);
        }
        return tokens.authorized(response, requestedAt);
    }

    /** authUrl with its own query kept (Google needs access_type=offline there) and the request's parameters added. */
    private URI authorizationUrl(String redirect, String state, String challenge) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("client_id", settings.clientId);
        parameters.put("redirect_uri", redirect);
        if (settings.scopeParameter() != null) {
            parameters.put("scope", settings.scopeParameter());
        }
        parameters.put("state", state);
        parameters.put("code_challenge", challenge);
        parameters.put("code_challenge_method", "S256");

        URI base = settings.authUrl;
        StringBuilder url = new StringBuilder(base.getScheme()).append("://").append(base.getRawAuthority())
                .append(base.getRawPath() == null ? "" : base.getRawPath()).append('?');
        if (base.getRawQuery() != null && !base.getRawQuery().isEmpty()) {
            url.append(base.getRawQuery()).append('&');
        }
        parameters.forEach((name, value) -> url.append(name).append('=').append(encode(value)).append('&'));
        url.setLength(url.length() - 1);
        return URI.create(url.toString());
    }

    /** Percent-encoding for a query value; a space becomes %20, which every provider reads, rather than form encoding's +. */
    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** RFC 7636 4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
    static String challenge(String verifier) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Sha256.of(verifier.getBytes(StandardCharsets.US_ASCII)));
    }

    /** What the redirect must match. Immutable; {@link #toString()} hides the verifier. */
    private static final class Pending {
        final String redirectUri;
        final String verifier;

        Pending(String redirectUri, String verifier) {
            this.redirectUri = redirectUri;
            this.verifier = verifier;
        }

        @Override
        public String toString() {
            return "PendingAuthorization[redirectUri=" + redirectUri + "]";
        }
    }
}
