package dev.mailer.oauth.impl;

/**
 * A device authorization response (RFC 8628, section 3.2). {@link #toString()} never shows the
 * device code, which is a credential until it expires, nor the user code (nor the verification URI
 * with it), which whoever reads it could enter before the mailbox owner.
 */
final class DeviceCodeResponse {

    final String deviceCode;
    final String userCode;
    final String verificationUri;
    /** The verification URI with the user code in it, or null when the provider sends none. */
    final String verificationUriComplete;
    /** The provider's instruction text, or null. */
    final String message;
    final long expiresInSeconds;
    final long intervalSeconds;

    DeviceCodeResponse(String deviceCode, String userCode, String verificationUri, String verificationUriComplete,
            String message, long expiresInSeconds, long intervalSeconds) {
        this.deviceCode = deviceCode;
        this.userCode = userCode;
        this.verificationUri = verificationUri;
        this.verificationUriComplete = verificationUriComplete;
        this.message = message;
        this.expiresInSeconds = expiresInSeconds;
        this.intervalSeconds = intervalSeconds;
    }

    @Override
    public String toString() {
        return "DeviceCodeResponse[verificationUri=" + verificationUri + ", expiresIn="
                + expiresInSeconds + ", interval=" + intervalSeconds + "]";
    }
}
