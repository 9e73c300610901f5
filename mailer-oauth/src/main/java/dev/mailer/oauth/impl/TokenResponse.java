package dev.mailer.oauth.impl;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;

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
        return expiresIn == null ? null : clamp(seconds(expiresIn, "expires_in"));
    }

    /**
     * The lifetime left at {@code now} of a token that expires at {@code expiresOn}: epoch seconds,
     * as a number or a string (Azure's identity endpoints); otherwise as {@link #lifetime}.
     */
    static Long lifetimeUntil(Object expiresOn, Instant now) {
        return expiresOn == null ? null : clamp(seconds(expiresOn, "expires_on").subtract(BigDecimal.valueOf(now.getEpochSecond())));
    }

    /** A JSON value holding a number of seconds, whole or not, maybe as a string. */
    private static BigDecimal seconds(Object value, String field) {
        try {
            if (value instanceof Number || value instanceof String) {
                return new BigDecimal(value.toString().trim());
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(OAuthFailures.notSeconds(field));
    }

    /** Whole seconds from 1 to {@link #MAX_LIFETIME_SECONDS}; null when not positive. */
    private static Long clamp(BigDecimal seconds) {
        BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
        if (whole.signum() <= 0) {
            return null;
        }
        return whole.min(BigDecimal.valueOf(MAX_LIFETIME_SECONDS)).longValueExact();
    }

    @Override
    public String toString() {
        return "TokenResponse[expiresIn=" + expiresIn + ", refreshToken=" + (refreshToken == null ? "none" : "rotated")
                + ", scope=" + scope + "]";
    }
}
