package dev.mailer.health.impl;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import dev.mailer.api.oauth.OAuthTokenManager;
import dev.mailer.api.oauth.TokenStatus;
import dev.mailer.api.oauth.TokenStatus.RefreshTokenSource;

/**
 * Health check "token obtainable", there only when an OAuth2 token provider is: from its status,
 * without contacting the token endpoint. CRITICAL with the endpoint's error when the last token
 * request failed and no valid token is left (sending with OAuth2 fails now), WARN when it failed
 * but the current token is still valid; also when there is no refresh token to use. Delayed:
 * nothing loads it unless a health check executor asks.
 */
@Component(service = HealthCheck.class, property = {
    HealthCheck.NAME + "=" + TokenCheck.NAME,
    HealthCheck.TAGS + "=" + MailerChecks.TAG})
@Designate(ocd = TokenCheck.Config.class)
public class TokenCheck implements HealthCheck {

    static final String NAME = "Mailer OAuth2 token";

    @ObjectClassDefinition(name = "Mailer health check: OAuth2 token",
            description = "Whether the token provider can obtain access tokens: the last renewal's result, the expiry, its age.")
    @interface Config {
        @AttributeDefinition(name = "Name")
        String hc_name() default NAME;

        @AttributeDefinition(name = "Tags")
        String[] hc_tags() default {MailerChecks.TAG};
    }

    /** The longest the upkeep may run after a keep-alive is due (it runs every upkeepInterval, PT1M by default). */
    static final Duration MAX_KEEP_ALIVE_LAG = Duration.ofHours(1);

    private final OAuthTokenManager tokens;
    private final Clock clock;

    @Activate
    public TokenCheck(@Reference OAuthTokenManager tokens) {
        this(tokens, Clock.systemUTC());
    }

    TokenCheck(OAuthTokenManager tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    @Override
    public Result execute() {
        FormattingResultLog log = new FormattingResultLog();
        TokenStatus status = tokens.getStatus();
        Instant now = clock.instant();
        if (status.getGrantType() == null) {
            log.critical("{}", HealthTexts.tokenProviderConfigurationInvalid(status.getLastError().orElse("")));
            return new Result(log);
        }
        token(status, now, log);
        status.getLastRenewal().ifPresentOrElse(
                at -> log.info("{}", HealthTexts.lastRenewal(at, Duration.between(at, now))),
                () -> log.info("{}", HealthTexts.noRenewalYet()));
        keepAlive(status, now, log);
        return new Result(log);
    }

    /**
     * Whether the keep-alive keeps the grant alive: overdue once its due time passed by more than the
     * upkeep can lag (a quarter of the period, at most an hour). A refused keep-alive needs nothing
     * here: it is the last error, which {@link #token} reports.
     */
    private static void keepAlive(TokenStatus status, Instant now, FormattingResultLog log) {
        Duration period = status.getKeepAlive().orElse(null);
        Instant due = status.getKeepAliveDue().orElse(null);
        if (period == null || due == null) {
            return;
        }
        Duration lag = period.dividedBy(4).compareTo(MAX_KEEP_ALIVE_LAG) < 0 ? period.dividedBy(4) : MAX_KEEP_ALIVE_LAG;
        if (now.isAfter(due.plus(lag))) {
            log.warn("{}", HealthTexts.keepAliveOverdue(Duration.between(due.minus(period), now), period));
        } else {
            log.info("{}", HealthTexts.keepAliveDue(period, due));
        }
    }

    /** The token now, and the last request's failure if there was one. */
    private static void token(TokenStatus status, Instant now, FormattingResultLog log) {
        boolean valid = status.hasValidToken(now);
        if (status.getLastError().isPresent()) {
            Instant failedAt = status.getLastErrorAt().orElse(now);
            if (valid && status.isLastErrorPermanent()) {
                // a refused grant (e.g. a refused keep-alive) does not heal: mail stops within the token's lifetime
                log.critical("{}", HealthTexts.grantRefusedTokenStillValid(failedAt, status.getLastError().get(),
                        status.getExpiresAt().get()));
            } else if (valid) {
                log.warn("{}", HealthTexts.renewalFailedTokenStillValid(failedAt, status.getLastError().get(),
                        status.getExpiresAt().get()));
            } else {
                log.critical("{}", HealthTexts.noValidToken(failedAt, status.getLastError().get()));
            }
        } else if (valid) {
            Instant expiresAt = status.getExpiresAt().get();
            log.info("{}", HealthTexts.tokenValid(expiresAt, Duration.between(now, expiresAt)));
        } else if (status.getRefreshTokenSource() == RefreshTokenSource.NONE) {
            log.critical("{}", HealthTexts.noRefreshToken(RefreshTokenSource.NONE.getDescription()));
        } else {
            log.info("{}", HealthTexts.noTokenYet(status.getGrantType(), status.getRefreshTokenSource().getDescription()));
        }
    }
}
