package dev.mailer.health.impl;

import java.time.Duration;
import java.util.Map;

import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import dev.mailer.api.outbox.Outbox;
import dev.mailer.api.outbox.OutboxSnapshot;
import dev.mailer.commons.config.ConfigReader;
import dev.mailer.commons.config.InvalidConfigurationException;

/**
 * Health check "outbox", there only when an outbox is: its depth (WARN above {@code depth.max}),
 * the age of its oldest message (CRITICAL above {@code oldest.age.max}: mail is not going out) and
 * its dead letters (CRITICAL above {@code dead.max}: messages were not delivered). Reads the outbox
 * directory, no network I/O. Delayed: nothing loads it unless a health check executor asks.
 */
@Component(service = HealthCheck.class, property = {
    HealthCheck.NAME + "=" + OutboxCheck.NAME,
    HealthCheck.TAGS + "=" + MailerChecks.TAG})
@Designate(ocd = OutboxCheck.Config.class)
public class OutboxCheck implements HealthCheck {

    static final String NAME = "Mailer outbox";
    static final String DEPTH_MAX = "depth.max";
    static final int DEFAULT_DEPTH_MAX = 100;
    static final String OLDEST_AGE_MAX = "oldest.age.max";
    static final String DEFAULT_OLDEST_AGE_MAX = "PT1H";
    static final String DEAD_MAX = "dead.max";
    static final int DEFAULT_DEAD_MAX = 0;

    @ObjectClassDefinition(name = "Mailer health check: outbox",
            description = "Whether the outbox delivers: how many messages wait, for how long, and how many are dead letters.")
    @interface Config {
        @AttributeDefinition(name = "Name")
        String hc_name() default NAME;

        @AttributeDefinition(name = "Tags")
        String[] hc_tags() default {MailerChecks.TAG};

        @AttributeDefinition(name = "Maximum depth", description = "WARN when more messages than this wait for delivery.")
        int depth_max() default DEFAULT_DEPTH_MAX;

        @AttributeDefinition(name = "Maximum age", description = "CRITICAL when the oldest message waits longer (ISO-8601, e.g. PT1H).")
        String oldest_age_max() default DEFAULT_OLDEST_AGE_MAX;

        @AttributeDefinition(name = "Maximum dead letters", description = "CRITICAL when there are more dead letters than this.")
        int dead_max() default DEFAULT_DEAD_MAX;
    }

    private final Outbox outbox;
    private final int depthMax;
    private final Duration oldestAgeMax;
    private final int deadMax;
    /** Why the check's own configuration is unusable; null when it is fine. */
    private final InvalidConfigurationException invalid;

    @Activate
    public OutboxCheck(@Reference Outbox outbox, Map<String, Object> properties) {
        this.outbox = outbox;
        ConfigReader reader = new ConfigReader(properties);
        this.depthMax = reader.integer(DEPTH_MAX, DEFAULT_DEPTH_MAX, 0, Integer.MAX_VALUE);
        this.oldestAgeMax = reader.duration(OLDEST_AGE_MAX, Duration.parse(DEFAULT_OLDEST_AGE_MAX), Duration.ZERO);
        this.deadMax = reader.integer(DEAD_MAX, DEFAULT_DEAD_MAX, 0, Integer.MAX_VALUE);
        this.invalid = CheckSettings.problems(reader, OutboxCheck.class.getName());
    }

    @Override
    public Result execute() {
        FormattingResultLog log = new FormattingResultLog();
        if (invalid != null) {
            log.healthCheckError("{}", HealthTexts.invalidSettings(invalid.getMessage()));
            return new Result(log);
        }
        OutboxSnapshot snapshot = outbox.snapshot();
        Duration oldest = snapshot.getOldestAge().orElse(null);
        log.info("{}", HealthTexts.outboxFigures(snapshot.getDepth(), snapshot.getDeadCount(), oldest));
        if (snapshot.getDepth() > depthMax) {
            log.warn("{}", HealthTexts.outboxDeep(snapshot.getDepth(), depthMax));
        }
        if (oldest != null && oldest.compareTo(oldestAgeMax) > 0) {
            log.critical("{}", HealthTexts.outboxOld(oldest, oldestAgeMax));
        }
        if (snapshot.getDeadCount() > deadMax) {
            log.critical("{}", HealthTexts.deadLetters(snapshot.getDeadCount(), deadMax));
        }
        return new Result(log);
    }
}
