package dev.mailer.oauth.impl;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.apache.oltu.oauth2.common.OAuth;
import org.apache.oltu.oauth2.common.error.OAuthError;
import org.apache.oltu.oauth2.common.exception.OAuthProblemException;
import org.apache.oltu.oauth2.common.exception.OAuthSystemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.MailException;

/**
 * Tokens of an Azure managed identity, without any secret of ours: from the instance metadata
 * service (IMDS: VMs, scale sets, AKS nodes, Container Instances), or, when {@code identityEndpoint}
 * and {@code identityHeader} are set (App Service, Functions, Container Apps set
 * {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER}), from that endpoint. A user-assigned
 * identity is chosen by its client ID ({@code clientId}). The answers give {@code expires_on}
 * (epoch seconds, as a string) and often {@code expires_in} (as a string): the former wins.
 *
 * <p>As Azure documents for IMDS, 404 (the service is being updated), 410, 429 and 5xx answers are
 * tried again with exponential backoff, {@value #MAX_RETRIES} times at most; the waits go through
 * the {@link DeviceCodeFlow.Sleeper}. Thread-safe; called one request at a time.
 */
final class ManagedIdentityTokens implements TokenSource {

    private static final Logger LOG = LoggerFactory.getLogger(ManagedIdentityTokens.class);

    static final String IMDS_PATH = "/metadata/identity/oauth2/token";
    static final String IMDS_API_VERSION = "2018-02-01";
    static final String APP_SERVICE_API_VERSION = "2019-08-01";
    static final String APP_SERVICE_HEADER = "X-IDENTITY-HEADER";
    static final int MAX_RETRIES = 4;
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);

    private final OAuthSettings settings;
    private final TimedHttpClient http;
    private final Clock clock;
    private final DeviceCodeFlow.Sleeper sleeper;
    private final boolean appService;
    /** Where tokens are requested, without the query; the setting that names it. */
    private final URI endpoint;
    private final String endpointSetting;
    private final String endpointName;

    ManagedIdentityTokens(OAuthSettings settings, TimedHttpClient http, Clock clock, DeviceCodeFlow.Sleeper sleeper) {
        this.settings = settings;
        this.http = http;
        this.clock = clock;
        this.sleeper = sleeper;
        this.appService = settings.identityEndpoint != null;
        this.endpoint = appService ? settings.identityEndpoint : settings.imdsEndpoint.resolve(IMDS_PATH);
        this.endpointSetting = appService ? OAuthSettings.IDENTITY_ENDPOINT : OAuthSettings.IMDS_ENDPOINT;
        this.endpointName = appService ? "managed identity endpoint" : "instance metadata service";
    }

    @Override
    public String location() {
        return endpoint.toString();
    }

    @Override
    public TokenResponse obtain() throws TokenEndpointException {
        URI request = URI.create(endpoint + (endpoint.getRawQuery() == null ? "?" : "&") + "api-version="
                + (appService ? APP_SERVICE_API_VERSION : IMDS_API_VERSION) + "&resource=" + encode(settings.resource)
                + (settings.clientId == null ? "" : "&client_id=" + encode(settings.clientId)));
        Map<String, String> headers = appService ? Map.of(APP_SERVICE_HEADER, settings.identityHeader) : Map.of("Metadata", "true");
        Duration wait = FIRST_RETRY;
        for (int retry = 0;; retry++) {
            try {
                return once(request, headers);
            } catch (TokenEndpointException e) {
                if (retry >= MAX_RETRIES || !isRetried(e.httpStatus)) {
                    throw e;
                }
                LOG.info("The {} {} answered HTTP {}; trying again in {} ms", endpointName, endpoint, e.httpStatus, wait.toMillis());
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                wait = wait.multipliedBy(2);
            }
        }
    }

    /** What Azure documents to retry: the service updating (404, 410), throttled (429), or failing (5xx). */
    static boolean isRetried(int status) {
        return status == 404 || status == 410 || status == 429 || status >= 500;
    }

    private TokenResponse once(URI request, Map<String, String> headers) throws TokenEndpointException {
        String requestName = "the token request for " + settings.resource;
        JsonResponse answer;
        try {
            answer = http.get(request, headers);
        } catch (OAuthProblemException | OAuthSystemException e) {
            throw TokenEndpoint.failure(e, endpointName, endpoint, endpointSetting, requestName);
        }
        int status = answer.getResponseCode();
        try {
            if (status >= 400 || answer.value(OAuthError.OAUTH_ERROR) != null) {
                // IMDS answers as OAuth does; App Service with {"statusCode":400,"message":"..."}
                String error = answer.string(OAuthError.OAUTH_ERROR);
                String description = answer.string(OAuthError.OAUTH_ERROR_DESCRIPTION);
                error = error != null ? error : "HTTP " + status;
                description = description != null ? description : answer.string("message");
                throw new TokenEndpointException(endpointSetting, error, description, status,
                        OAuthFailures.refused(endpointName, endpoint, requestName, error, description), null);
            }
            String accessToken = answer.string(OAuth.OAUTH_ACCESS_TOKEN);
            if (accessToken == null) {
                throw new IllegalArgumentException(OAuthFailures.missing(OAuth.OAUTH_ACCESS_TOKEN));
            }
            Long lifetime = TokenResponse.lifetimeUntil(answer.value("expires_on"), clock.instant());
            return new TokenResponse(accessToken, lifetime != null ? lifetime : TokenResponse.lifetime(answer.value(OAuth.OAUTH_EXPIRES_IN)),
                    null, null);
        } catch (IllegalArgumentException e) {
            throw TokenEndpoint.unusable(endpointName, endpoint, endpointSetting, e.getMessage(), status);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
