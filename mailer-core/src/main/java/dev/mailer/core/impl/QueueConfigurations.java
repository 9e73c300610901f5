package dev.mailer.core.impl;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Sling Jobs queue of a mail service's topic, written through ConfigurationAdmin from the service's
 * own settings (a factory configuration of {@value #FACTORY_PID} named after the topic): at most
 * {@code smtp.max.connections} jobs at once ({@code queue.maxparallel}), retried without a limit of
 * count ({@code queue.retries=-1}: {@code outbox.max.age} ends them, as in the local outbox) after
 * {@code outbox.retry.initial} ({@code queue.retrydelay}; each failed job says its own back-off).
 *
 * <p>Why written and not shipped as a {@code .cfg.json}: the parallelism is a setting of each mail
 * service, which an operator changes in the service's configuration; a shipped file would repeat it and
 * drift. It is written only when it differs ({@code updateIfDifferent}), so an unchanged configuration
 * causes no queue restart, and left in place on deactivation (the jobs outlive the instance). A queue
 * configuration of one's own for the topic with a higher {@code service.ranking} takes precedence.
 */
final class QueueConfigurations {

    static final String FACTORY_PID = "org.apache.sling.event.jobs.QueueConfiguration";

    private static final Logger LOG = LoggerFactory.getLogger(QueueConfigurations.class);

    private QueueConfigurations() {
    }

    /** The queue's name, also the configuration's name: the topic with dashes ({@code dev-mailer-send}). */
    static String queueName(String topic) {
        return topic.replace('/', '-');
    }

    /** The queue configuration's properties for {@code topic} and {@code settings}. */
    static Dictionary<String, Object> properties(String topic, SmtpSettings settings) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("queue.name", queueName(topic));
        properties.put("queue.topics", new String[] {topic});
        properties.put("queue.type", "UNORDERED");
        properties.put("queue.maxparallel", settings.maxConnections);
        properties.put("queue.retries", -1);
        properties.put("queue.retrydelay", settings.retryInitial.toMillis());
        properties.put("queue.keepJobs", false);
        return properties;
    }

    /**
     * Writes the queue configuration of {@code topic} unless it is there already as it should be.
     *
     * @return its PID, or null when it could not be written (logged: the jobs then run in Sling's main queue,
     *         the connection pool still caps the connections)
     */
    static String write(BundleContext context, String topic, SmtpSettings settings) {
        ServiceReference<ConfigurationAdmin> reference = context.getServiceReference(ConfigurationAdmin.class);
        ConfigurationAdmin admin = reference == null ? null : context.getService(reference);
        if (admin == null) {
            LOG.warn("No ConfigurationAdmin: the Sling Jobs queue of {} is not configured; its jobs run in Sling's main queue"
                    + " (at most {} connections at once all the same, {})", topic, settings.maxConnections,
                    SmtpSettings.MAX_CONNECTIONS);
            return null;
        }
        try {
            Configuration configuration = admin.getFactoryConfiguration(FACTORY_PID, queueName(topic), "?");
            if (configuration.updateIfDifferent(properties(topic, settings))) {
                LOG.info("Sling Jobs queue {} for {}: at most {} at once ({}), retried after {} and longer ({}), up to {} ({})",
                        configuration.getPid(), topic, settings.maxConnections, SmtpSettings.MAX_CONNECTIONS,
                        settings.retryInitial, SmtpSettings.OUTBOX_RETRY_INITIAL, settings.outboxMaxAge,
                        SmtpSettings.OUTBOX_MAX_AGE);
            }
            return configuration.getPid();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot write the Sling Jobs queue configuration of {} ({}); its jobs run in Sling's main queue", topic,
                    e.toString());
            return null;
        } finally {
            context.ungetService(reference);
        }
    }
}
