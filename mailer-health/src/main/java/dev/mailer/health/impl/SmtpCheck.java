package dev.mailer.health.impl;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import dev.mailer.api.check.CheckReport;
import dev.mailer.api.check.CheckStep;
import dev.mailer.api.check.ConnectionCheck;
import dev.mailer.commons.config.ConfigReader;
import dev.mailer.commons.config.InvalidConfigurationException;

/**
 * Health check "SMTP server reachable": runs the mail service's {@link ConnectionCheck} (connect,
 * TLS, EHLO, token, login, sender; nothing is sent). It talks to the network, so it is asynchronous:
 * the health check executor runs it every {@code hc.async.intervalInSec} on its own threads and
 * answers every request with the last result. Each run also happens on a thread of its own and is
 * given up after {@code timeout}, so a server that does not answer never holds a caller. Delayed:
 * nothing loads it unless a health check executor asks.
 */
@Component(service = HealthCheck.class, property = {
    HealthCheck.NAME + "=" + SmtpCheck.NAME,
    HealthCheck.TAGS + "=" + MailerChecks.TAG,
    HealthCheck.ASYNC_INTERVAL_IN_SEC + ":Long=" + SmtpCheck.DEFAULT_INTERVAL_SECONDS})
@Designate(ocd = SmtpCheck.Config.class)
public class SmtpCheck implements HealthCheck {

    static final String NAME = "Mailer SMTP server";
    static final long DEFAULT_INTERVAL_SECONDS = 300;
    static final String TIMEOUT = "timeout";
    static final String DEFAULT_TIMEOUT = "PT30S";

    @ObjectClassDefinition(name = "Mailer health check: SMTP server",
            description = "Connects and logs in to the SMTP server as sending does (nothing is sent), in the background.")
    @interface Config {
        @AttributeDefinition(name = "Name")
        String hc_name() default NAME;

        @AttributeDefinition(name = "Tags")
        String[] hc_tags() default {MailerChecks.TAG};

        @AttributeDefinition(name = "Interval (seconds)", description = "How often the server is checked; requests get the last result.")
        long hc_async_intervalInSec() default DEFAULT_INTERVAL_SECONDS;

        @AttributeDefinition(name = "Timeout", description = "ISO-8601 duration after which a check that has not finished is"
                + " reported as CRITICAL, e.g. PT30S.")
        String timeout() default DEFAULT_TIMEOUT;
    }

    private final ConnectionCheck check;
    private final Duration timeout;
    /** Why the check's own configuration is unusable; null when it is fine. */
    private final InvalidConfigurationException invalid;

    @Activate
    public SmtpCheck(@Reference ConnectionCheck check, Map<String, Object> properties) {
        this.check = check;
        ConfigReader reader = new ConfigReader(properties);
        this.timeout = reader.duration(TIMEOUT, Duration.parse(DEFAULT_TIMEOUT), Duration.ofSeconds(1));
        this.invalid = CheckSettings.problems(reader, SmtpCheck.class.getName());
    }

    @Override
    public Result execute() {
        FormattingResultLog log = new FormattingResultLog();
        if (invalid != null) {
            log.healthCheckError("{}", HealthTexts.invalidSettings(invalid.getMessage()));
            return new Result(log);
        }
        try {
            report(runBounded(), log);
        } catch (TimeoutException e) {
            log.critical("{}", HealthTexts.checkTimedOut(timeout));
        } catch (ExecutionException e) {
            log.healthCheckError("{}", HealthTexts.checkError(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.healthCheckError("{}", HealthTexts.checkError(e));
        }
        return new Result(log);
    }

    /** One run on a thread of its own, waited for at most {@link #timeout}; the thread ends with the run's own timeouts. */
    private CheckReport runBounded() throws TimeoutException, ExecutionException, InterruptedException {
        FutureTask<CheckReport> run = new FutureTask<>(() -> check.run(null));
        Thread thread = new Thread(run, "mailer-health-smtp-check");
        thread.setDaemon(true);
        thread.start();
        return run.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void report(CheckReport report, FormattingResultLog log) {
        for (CheckStep step : report.getSteps()) {
            StepLog.add(log, step, HealthTexts.step(step));
        }
        if (report.isPassed()) {
            log.info("{}", HealthTexts.checkPassed());
        }
    }
}
