package dev.mailer.it.health;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.ResultLog;
import org.apache.felix.hc.api.execution.HealthCheckExecutionResult;
import org.apache.felix.hc.api.execution.HealthCheckExecutor;
import org.apache.felix.hc.api.execution.HealthCheckSelector;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

import dev.mailer.it.support.Await;
import dev.mailer.it.support.Services;

/**
 * The Felix health check executor, as an operator's monitoring calls it (asynchronous checks answer
 * with their last result), with results in plain text. Runs inside Felix only: the health check API
 * is not on the test JVM's class path, so test classes name none of its types.
 */
public final class HealthChecks {

    /** Our checks' tag. */
    public static final String MAILER = "mailer";
    public static final String CONFIGURATION = "Mailer configuration";
    public static final String TOKEN = "Mailer OAuth2 token";
    public static final String SMTP = "Mailer SMTP server";
    public static final String OUTBOX = "Mailer outbox";
    /** The configuration PIDs of the SMTP and outbox checks. */
    public static final String SMTP_PID = "dev.mailer.health.impl.SmtpCheck";
    public static final String OUTBOX_PID = "dev.mailer.health.impl.OutboxCheck";

    private static final Duration SERVICE_WAIT = Duration.ofSeconds(20);

    private HealthChecks() {
    }

    /** Runs the checks tagged {@code tag}, in the executor's order. */
    public static List<CheckResult> execute(BundleContext context, String tag) {
        ServiceReference<HealthCheckExecutor> ref = Services.await(context, HealthCheckExecutor.class, null, SERVICE_WAIT,
                () -> "the health check executor");
        HealthCheckExecutor executor = context.getService(ref);
        try {
            List<CheckResult> results = new ArrayList<>();
            for (HealthCheckExecutionResult result : executor.execute(HealthCheckSelector.tags(tag))) {
                List<String> lines = new ArrayList<>();
                for (ResultLog.Entry entry : result.getHealthCheckResult()) {
                    lines.add(entry.getStatus() + " " + entry.getMessage());
                }
                results.add(new CheckResult(result.getHealthCheckMetadata().getName(),
                        result.getHealthCheckResult().getStatus().name(), lines));
            }
            return results;
        } finally {
            context.ungetService(ref);
        }
    }

    /** The result of check {@code name} among the checks tagged {@code mailer}; null when there is no such check. */
    public static CheckResult result(BundleContext context, String name) {
        return execute(context, MAILER).stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }

    /** Runs the {@code mailer} checks until check {@code name}'s result satisfies {@code condition}; fails after {@code timeout}. */
    public static CheckResult await(BundleContext context, String name, Predicate<CheckResult> condition, Duration timeout,
            String what) {
        AtomicReference<CheckResult> last = new AtomicReference<>();
        Await.until(() -> {
            last.set(result(context, name));
            return last.get() != null && condition.test(last.get());
        }, timeout, () -> name + " " + what + "; last result: " + last.get());
        return last.get();
    }

    /** Configures the check of {@code pid} and waits until its service runs with the new configuration. */
    public static void configure(BundleContext context, ConfigurationAdmin configAdmin, String pid, Map<String, Object> properties) {
        String revision = UUID.randomUUID().toString();
        Hashtable<String, Object> dictionary = new Hashtable<>(properties);
        dictionary.put("it.revision", revision);
        try {
            configAdmin.getConfiguration(pid, "?").update(dictionary);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot configure " + pid, e);
        }
        Services.await(context, HealthCheck.class, "(it.revision=" + revision + ")", SERVICE_WAIT,
                () -> "the health check " + pid + " to run with " + properties);
    }
}
