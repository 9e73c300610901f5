package dev.mailer.oauth.impl;

/** A successful token response. {@link #toString()} never shows the tokens. */
final class TokenResponse {

    final String accessToken;
    /** Seconds the access token is valid for, or null when the server did not say. */
    final Long expiresIn;
    /** A new refresh token when the server rotates them, else null. */
    final String refreshToken;
    /** The scopes granted, when the server says (space-separated). */
    final String scope;

    TokenResponse(String accessToken, Long expiresIn, String refreshToken, String scope) {
        this.accessToken = accessToken;
        this.expiresIn = expiresIn;
        this.refreshToken = refreshToken;
        this.scope = scope;
    }

    @Override
    public String toString() {
        return "TokenResponse[expiresIn=" + expiresIn + ", refreshToken=" + (refreshToken == null ? "none" : "rotated")
                + ", scope=" + scope + "]";
    }
}
