package dev.mailer.oauth.impl;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.MailException;
import dev.mailer.api.oauth.TokenStatus;

/**
 * What the scheduled upkeep does for one configuration, and when. Two jobs, both run every
 * {@link #period}, by the {@link UpkeepScheduler}:
 * <ul>
 * <li>{@link #renewAhead()}: once a token is in use, renews it before a send would find it due, so
 * that in steady state no send waits for the token endpoint. Every instance of a cluster runs it:
 * each has its own token cache. The on-demand renewal of {@link AccessTokens#get()} stays the
 * fallback when the upkeep is late or absent.</li>
 * <li>{@link #keepAlive()}: when no token was obtained for {@code keepAlive}, obtains one, so that a
 * grant the provider ends when unused (Microsoft: 90 days, Google: 6 months) stays alive without
 * sends; the refresh token is exchanged and the rotated one stored. One instance of a cluster is
 * enough.</li>
 * </ul>
 * Thread-safe: the token requests are serialized by {@link AccessTokens}; the record of the last
 * keep-alive is volatile.
 */
final class TokenUpkeep {

    private static final Logger LOG = LoggerFactory.getLogger(TokenUpkeep.class);

    /** The longest wait before a failed keep-alive is tried again (sooner when keepAlive is shorter). */
    static final Duration KEEP_ALIVE_RETRY = Duration.ofHours(1);
    /** Runs per keep-alive period at least, so that a keep-alive is never late by more than a quarter of it. */
    private static final int RUNS_PER_KEEP_ALIVE = 4;

    private final OAuthSettings settings;
    private final AccessTokens tokens;
    private final Clock clock;
    private final Duration period;

    private volatile Instant lastKeepAlive;
    private volatile Instant lastKeepAliveFailure;

    TokenUpkeep(OAuthSettings settings, AccessTokens tokens, Clock clock) {
        this.settings = settings;
        this.tokens = tokens;
        this.clock = clock;
        this.period = period(settings);
    }

    /**
     * How often the jobs run: {@code upkeepInterval}, or a quarter of {@code keepAlive} when that is
     * shorter; whole seconds (the unit of the Sling scheduler), at least one.
     */
    static Duration period(OAuthSettings settings) {
        Duration period = settings.upkeepInterval;
        if (!settings.keepAlive.isZero() && settings.keepAlive.dividedBy(RUNS_PER_KEEP_ALIVE).compareTo(period) < 0) {
            period = settings.keepAlive.dividedBy(RUNS_PER_KEEP_ALIVE);
        }
        return Duration.ofSeconds(Math.max(1, period.getSeconds()));
    }

    Duration period() {
        return period;
    }

    /**
     * Renews the token in use when it would be due before the next run even if that came a period
     * late (a busy scheduler, a slow token request), and one that the mail server refused. Failures
     * are logged by {@link AccessTokens} and retried by the next run or send.
     */
    void renewAhead() {
        try {
            tokens.renewIfDueBefore(clock.instant().plus(period.multipliedBy(2)));
        } catch (MailException e) {
            LOG.debug("The upkeep could not renew the access token ahead of the sends; the next run or send tries again", e);
        }
    }

    /** Obtains a token when the grant has been idle for {@code keepAlive}; a failure is logged as an error and kept for the status. */
    void keepAlive() {
        Instant due = due();
        Instant now = clock.instant();
        if (due == null || now.isBefore(due)) {
            return;
        }
        try {
            if (tokens.renewIfIdleSince(now.minus(settings.keepAlive))) {
                lastKeepAlive = now;
                LOG.info("Keep-alive: obtained an OAuth2 token, none having been obtained for {} (keepAlive), so that the"
                        + " provider keeps the grant; the next one is due {}", OAuthSettings.format(settings.keepAlive), due());
            }
        } catch (MailException e) {
            lastKeepAliveFailure = now;
            LOG.error(OAuthFailures.keepAliveFailed(settings.keepAlive, e));
        }
    }

    /**
     * When the next keep-alive is due: {@code keepAlive} after the grant was last known to work, and
     * after a failure not before the retry; null when the keep-alive is off or there is no grant yet.
     */
    Instant due() {
        if (settings.keepAlive.isZero() || !tokens.hasGrant()) {
            return null;
        }
        Instant due = tokens.lastProofOfLife().plus(settings.keepAlive);
        Instant failed = lastKeepAliveFailure;
        if (failed != null) {
            Instant retry = failed.plus(settings.keepAlive.compareTo(KEEP_ALIVE_RETRY) < 0 ? settings.keepAlive : KEEP_ALIVE_RETRY);
            return retry.isAfter(due) ? retry : due;
        }
        return due;
    }

    /** Adds the keep-alive's period, last success and next due time to {@code status}. */
    TokenStatus.Builder describe(TokenStatus.Builder status) {
        return status.keepAlive(settings.keepAlive).lastKeepAlive(lastKeepAlive).keepAliveDue(due());
    }
}
