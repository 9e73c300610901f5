package dev.mailer.oauth.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import org.apache.oltu.oauth2.common.utils.JSONUtils;

import dev.mailer.api.MailException;

/**
 * An access token obtained elsewhere (the operator's own tooling): {@code accessToken}, or the file
 * {@code accessTokenFile}, read again when it changes (its modification time or size). When the
 * token is a JWT its {@code exp} claim is its expiry: an expired one fails before any SMTP
 * connection, and one that expires within {@code renewBeforeExpirySeconds} is reported (the
 * status's last error, which {@code token} and {@code check} show) since nothing here can renew it.
 * A token that is no JWT is read again at least hourly. Never logged. Whether the file changed is
 * looked at most every {@link #CHANGE_CHECK_INTERVAL}, so a send does not touch the file system each time.
 */
final class StaticTokenSource implements TokenSource {

    /** How long a changed file may go unnoticed: every send asks {@link #replaced()}. */
    static final Duration CHANGE_CHECK_INTERVAL = Duration.ofSeconds(5);

    private final OAuthSettings settings;
    private final Clock clock;
    /** When {@link #replaced()} looks at the file next. */
    private volatile Instant nextChangeCheck = Instant.MIN;
    /** The file changed since it was read last: true until it is read again. */
    private volatile boolean changed;
    /** The file as it was when read last (null: not read yet); the expiry of the token read, null when unknown. */
    private volatile Object readVersion;
    private volatile Instant expiry;

    StaticTokenSource(OAuthSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public TokenResponse obtain() throws MailException {
        String token = settings.accessTokenFile != null ? read() : settings.accessToken;
        if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = token.substring(7).strip();
        }
        Instant expiresAt = expiryOf(token);
        Instant now = clock.instant();
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw PasswordlessFailures.staticTokenExpired(location(), expiresAt);
        }
        expiry = expiresAt;
        return new TokenResponse(token, expiresAt == null ? null
                : Math.max(1, Math.min(Duration.between(now, expiresAt).getSeconds(), TokenResponse.MAX_LIFETIME_SECONDS)), null, null);
    }

    @Override
    public boolean replaced() {
        Object read = readVersion;
        Instant now = clock.instant();
        if (read == null || changed || now.isBefore(nextChangeCheck)) {
            return changed;
        }
        nextChangeCheck = now.plus(CHANGE_CHECK_INTERVAL);
        changed = !read.equals(version());
        return changed;
    }

    @Override
    public String warning(Instant now) {
        Instant expiresAt = expiry;
        return expiresAt != null && !now.plusSeconds(settings.renewBeforeExpirySeconds).isBefore(expiresAt)
                ? PasswordlessFailures.staticTokenExpiresSoon(location(), expiresAt) : null;
    }

    @Override
    public String location() {
        return settings.accessTokenFile != null ? settings.accessTokenFile.toString() : OAuthSettings.ACCESS_TOKEN;
    }

    private String read() throws MailException {
        try {
            Object version = version();
            String token = Files.readString(settings.accessTokenFile, StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                throw PasswordlessFailures.staticTokenUnreadable(settings.accessTokenFile, null);
            }
            readVersion = version;
            changed = false;
            return token;
        } catch (IOException e) {
            throw PasswordlessFailures.staticTokenUnreadable(settings.accessTokenFile, e);
        }
    }

    /** The modification time and size of the file; an unreadable file is a version of its own. */
    private Object version() {
        if (settings.accessTokenFile == null) {
            return "";
        }
        try {
            BasicFileAttributes file = Files.readAttributes(settings.accessTokenFile, BasicFileAttributes.class);
            return file.lastModifiedTime() + "/" + file.size();
        } catch (IOException e) {
            return "unreadable";
        }
    }

    /** The {@code exp} claim of a JWT; null when the token is no JWT or has none. The signature is not the mailer's to check. */
    static Instant expiryOf(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            Map<String, Object> claims = JSONUtils.parseJSON(new String(Base64.getUrlDecoder().decode(parts[1]
                    .replace("=", "")), StandardCharsets.UTF_8));
            Object exp = claims.get("exp");
            return exp instanceof Number ? Instant.ofEpochSecond(((Number) exp).longValue()) : null;
        } catch (RuntimeException e) {
            return null; // no JWT (or one without readable claims): an opaque token
        }
    }
}
