package dev.mailer.oauth.impl;

/**
 * The token endpoint (or the device authorization endpoint) refused a request ({@link #error} is
 * the OAuth {@code error} code) or could not be reached ({@link #error} is null). The message never
 * contains secrets or tokens.
 */
final class TokenEndpointException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The setting that names the endpoint, e.g. {@code tokenUrl}: what to check when it cannot be reached. */
    final String endpointSetting;
    /** The OAuth error code, e.g. {@code invalid_grant}; null for I/O failures. */
    final String error;
    /** The server's error_description, e.g. {@code AADSTS700082: The refresh token has expired...}; may be null. */
    final String description;
    /** The HTTP status, or 0 when there was no response. */
    final int httpStatus;

    TokenEndpointException(String endpointSetting, String error, String description, int httpStatus, String message,
            Throwable cause) {
        super(message, cause);
        this.endpointSetting = endpointSetting;
        this.error = error;
        this.description = description;
        this.httpStatus = httpStatus;
    }

    /** True when trying again later may help: no response, a 5xx, or a 429. */
    boolean isTransient() {
        return error == null || httpStatus >= 500 || httpStatus == 429 || "temporarily_unavailable".equals(error)
                || "server_error".equals(error);
    }
}
