package dev.mailer.oauth.impl;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.MailException;
import dev.mailer.api.oauth.DeviceAuthorization;
import dev.mailer.api.oauth.TokenStatus;
import dev.mailer.commons.pending.PendingRequests;

/**
 * The device-code flow (RFC 8628), which bootstraps a refresh token where no browser can reach a
 * redirect URI (a server, a container): the mailbox owner enters a short code on any device while
 * this process polls the token endpoint. The device code, a credential, stays in this process.
 * Thread-safe; {@link #complete} blocks its caller (interruptibly) until the sign-in ends.
 */
final class DeviceCodeFlow {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceCodeFlow.class);

    /** Operators start a few of these; more are abandoned or abuse. */
    static final int MAX_PENDING = 16;
    /** RFC 8628 3.5: after slow_down, poll this much less often from then on. */
    private static final long SLOW_DOWN_SECONDS = 5;

    /** Waits between two polls; a test moves its clock instead. */
    @FunctionalInterface
    interface Sleeper {
        Sleeper THREAD = duration -> Thread.sleep(duration.toMillis());

        void sleep(Duration duration) throws InterruptedException;
    }

    private final OAuthSettings settings;
    private final TokenEndpoint endpoint;
    private final AccessTokens tokens;
    private final Clock clock;
    private final Sleeper sleeper;
    private final PendingRequests<Pending> pending;

    DeviceCodeFlow(OAuthSettings settings, TokenEndpoint endpoint, AccessTokens tokens, Clock clock, Sleeper sleeper) {
        this.settings = settings;
        this.endpoint = endpoint;
        this.tokens = tokens;
        this.clock = clock;
        this.sleeper = sleeper;
        this.pending = new PendingRequests<>(MAX_PENDING, clock);
    }

    DeviceAuthorization begin() throws MailException {
        if (settings.deviceAuthUrl == null) {
            throw OAuthFailures.deviceAuthUrlMissing(settings);
        }
        Instant requestedAt = clock.instant();
        DeviceCodeResponse response;
        try {
            response = endpoint.deviceAuthorization();
        } catch (TokenEndpointException e) {
            throw OAuthFailures.authorizationFailure(e, settings);
        }
        Instant expiresAt = requestedAt.plusSeconds(response.expiresInSeconds);
        String id = pending.add(new Pending(response.deviceCode, response.userCode, expiresAt, response.intervalSeconds), expiresAt);
        // not the user code: whoever reads the log could enter it first, signed in as another account
        LOG.info("Started a device authorization: the mailbox owner enters the code shown to them at {} until {}",
                response.verificationUri, expiresAt);
        return new DeviceAuthorization(id, response.userCode, response.verificationUri, response.verificationUriComplete,
                response.message, expiresAt, response.intervalSeconds);
    }

    TokenStatus complete(DeviceAuthorization authorization) throws MailException, InterruptedException {
        // taken, not read: one caller polls for a device code, and a finished one cannot be completed twice
        Pending request = pending.take(authorization.getId());
        if (request == null) {
            throw OAuthFailures.unknownDeviceAuthorization();
        }
        long interval = request.intervalSeconds;
        while (true) {
            // RFC 8628 3.5: wait at least the interval before each poll (the user has only just seen the code),
            // but not past the expiry, which ends the flow
            Duration untilExpiry = Duration.between(clock.instant(), request.expiresAt);
            Duration wait = Duration.ofSeconds(interval);
            sleeper.sleep(untilExpiry.isNegative() ? Duration.ZERO : untilExpiry.compareTo(wait) < 0 ? untilExpiry : wait);
            if (Thread.interrupted()) {
                throw OAuthFailures.deviceAuthorizationAbandoned();
            }
            Instant polledAt = clock.instant();
            if (!polledAt.isBefore(request.expiresAt)) {
                throw OAuthFailures.deviceCodeExpired(request.userCode, request.expiresAt);
            }
            try {
                TokenResponse approved = endpoint.deviceCode(request.deviceCode);
                // the HTTP request cannot be interrupted: a caller that gave up meanwhile (authorize --timeout)
                // was told nothing is stored, so the tokens are dropped rather than taken
                if (Thread.interrupted()) {
                    throw OAuthFailures.deviceAuthorizationAbandoned();
                }
                return tokens.authorized(approved, polledAt);
            } catch (TokenEndpointException e) {
                if ("authorization_pending".equals(e.error)) {
                    continue;
                }
                if ("slow_down".equals(e.error)) {
                    interval += SLOW_DOWN_SECONDS;
                    LOG.info("The token endpoint asked to poll more slowly: every {} s from now on", interval);
                    continue;
                }
                if (e.isTransient()) {
                    // a network blip must not end a sign-in the user may be finishing right now
                    LOG.warn("Polling for the device authorization failed; trying again in {} s: {}", interval, e.getMessage());
                    continue;
                }
                throw OAuthFailures.authorizationFailure(e, settings);
            }
        }
    }

    /** A device code waiting for the user. Immutable; {@link #toString()} hides the device code. */
    private static final class Pending {
        final String deviceCode;
        final String userCode;
        final Instant expiresAt;
        final long intervalSeconds;

        Pending(String deviceCode, String userCode, Instant expiresAt, long intervalSeconds) {
            this.deviceCode = deviceCode;
            this.userCode = userCode;
            this.expiresAt = expiresAt;
            this.intervalSeconds = intervalSeconds;
        }

        @Override
        public String toString() {
            return "PendingDeviceAuthorization[userCode=" + userCode + ", expiresAt=" + expiresAt + "]";
        }
    }
}
