package dev.mailer.api.oauth;

import java.time.Instant;
import java.util.Objects;

/**
 * A started device-code flow (RFC 8628): what to show the mailbox owner. The device code itself,
 * a credential, stays with the provider; {@link #getId()} refers to it.
 */
public final class DeviceAuthorization {

    private final String id;
    private final String userCode;
    private final String verificationUri;
    private final String verificationUriComplete;
    private final String message;
    private final Instant expiresAt;
    private final long intervalSeconds;

    public DeviceAuthorization(String id, String userCode, String verificationUri, String verificationUriComplete,
            String message, Instant expiresAt, long intervalSeconds) {
        this.id = Objects.requireNonNull(id, "id");
        this.userCode = Objects.requireNonNull(userCode, "userCode");
        this.verificationUri = Objects.requireNonNull(verificationUri, "verificationUri");
        this.verificationUriComplete = verificationUriComplete;
        this.message = message;
        this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
        this.intervalSeconds = intervalSeconds;
    }

    /** Identifies this flow to {@link OAuthTokenManager#completeDeviceAuthorization}; not a secret. */
    public String getId() {
        return id;
    }

    /** The code the user enters at {@link #getVerificationUri()}. */
    public String getUserCode() {
        return userCode;
    }

    public String getVerificationUri() {
        return verificationUri;
    }

    /** The verification URI with the user code in it, when the provider offers one; else null. */
    public String getVerificationUriComplete() {
        return verificationUriComplete;
    }

    /** The provider's own instruction text (Microsoft sends one), or null. */
    public String getMessage() {
        return message;
    }

    public Instant getExpiresAt() {
        return expiresAt;
    }

    /** Seconds between two polls, as the provider asked. */
    public long getIntervalSeconds() {
        return intervalSeconds;
    }

    @Override
    public String toString() {
        // not the user code: whoever reads a log could enter it before the mailbox owner
        return "DeviceAuthorization[verificationUri=" + verificationUri + ", expiresAt=" + expiresAt + "]";
    }
}
