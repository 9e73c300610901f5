package dev.mailer.oauth.impl;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** A successful token response. {@link #toString()} never shows the tokens. */
final class TokenResponse {

    /**
     * The longest access-token lifetime believed. Real ones last one to a few hours; a longer (or
     * absurd) expires_in only means the token is renewed daily, which costs one request a day,
     * bounds how long a token revoked at the provider keeps being tried, and keeps the expiry far
     * from the limits of {@link java.time.Instant}.
     */
    static final long MAX_LIFETIME_SECONDS = 86_400;

    final String accessToken;
    /** Seconds the access token is valid for (1 to {@link #MAX_LIFETIME_SECONDS}), or null when the server did not say. */
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

    /**
     * Reads expires_in as a JSON value: an integer, a decimal ({@code 3599.0}) or either one as a
     * string, cut to whole seconds. Null when it is absent, zero or negative (the server did not
     * say anything usable); at most {@link #MAX_LIFETIME_SECONDS}.
     *
     * @throws IllegalArgumentException when it is not a number (the message names the field, not the value)
     */
    static Long lifetime(Object expiresIn) {
        if (expiresIn == null) {
            return null;
        }
        BigDecimal seconds;
        try {
            if (expiresIn instanceof Number || expiresIn instanceof String) {
                seconds = new BigDecimal(expiresIn.toString().trim());
            } else {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(OAuthFailures.notSeconds("expires_in"));
        }
        seconds = seconds.setScale(0, RoundingMode.FLOOR);
        if (seconds.signum() <= 0) {
            return null;
        }
        return seconds.min(BigDecimal.valueOf(MAX_LIFETIME_SECONDS)).longValueExact();
    }

    @Override
    public String toString() {
        return "TokenResponse[expiresIn=" + expiresIn + ", refreshToken=" + (refreshToken == null ? "none" : "rotated")
                + ", scope=" + scope + "]";
    }
}
