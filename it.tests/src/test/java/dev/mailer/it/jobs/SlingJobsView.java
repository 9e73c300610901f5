package dev.mailer.it.jobs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;

import org.apache.sling.event.jobs.Job;
import org.apache.sling.event.jobs.JobManager;
import org.apache.sling.event.jobs.Queue;
import org.apache.sling.event.jobs.consumer.JobExecutor;
import org.osgi.framework.BundleContext;

import dev.mailer.it.support.Services;

/**
 * The tests' look at Sling Jobs, in plain types: Sling Event is not on the driver's class path (it.tests' pom
 * keeps it off), so the test classes, which the driver loads too, name none of its types; this class is loaded
 * only inside the framework.
 */
final class SlingJobsView {

    private SlingJobsView() {
    }

    static JobManagerView await(BundleContext context, Duration timeout) {
        JobManager jobs = context.getService(Services.await(context, JobManager.class, null, timeout, () -> "the Sling JobManager"));
        return new JobManagerView(jobs);
    }

    static void awaitExecutor(BundleContext context, String topic, Duration timeout) {
        Services.await(context, JobExecutor.class, "(" + JobExecutor.PROPERTY_TOPICS + "=" + topic + ")", timeout,
                () -> "the mail service's JobExecutor for " + topic);
    }

    /** A JobManager, asked in plain types. */
    static final class JobManagerView {
        private final JobManager jobs;

        JobManagerView(JobManager jobs) {
            this.jobs = jobs;
        }

        /** Jobs of the topic not finished yet. */
        int unfinished(String topic) {
            Collection<Job> all = jobs.findJobs(JobManager.QueryType.ALL, topic, -1);
            return all.size();
        }

        /** The job's state, or null when there is none. */
        String state(String id) {
            Job job = jobs.getJobById(id);
            return job == null ? null : job.getJobState().name();
        }

        String resultMessage(String id) {
            Job job = jobs.getJobById(id);
            return job == null ? null : job.getResultMessage();
        }

        /**
         * Every property value of the job as the repository gives it back, as text (bytes as ISO-8859-1, lists and
         * arrays element by element): what is stored of it at rest. Empty when there is no such job.
         */
        String storedText(String id) {
            Job job = jobs.getJobById(id);
            StringBuilder text = new StringBuilder();
            if (job != null) {
                for (String name : job.getPropertyNames()) {
                    append(text.append(name).append('='), job.getProperty(name));
                    text.append('\n');
                }
            }
            return text.toString();
        }

        private static void append(StringBuilder text, Object value) {
            if (value instanceof byte[]) {
                text.append(new String((byte[]) value, StandardCharsets.ISO_8859_1));
            } else if (value instanceof Collection) {
                for (Object element : (Collection<?>) value) {
                    append(text, element);
                }
            } else if (value instanceof Object[]) {
                for (Object element : (Object[]) value) {
                    append(text, element);
                }
            } else {
                text.append(value);
            }
        }

        /** The queue's maximum of parallel jobs; -1 when there is no such queue (yet). */
        int maxParallel(String queueName) {
            Queue queue = jobs.getQueue(queueName);
            return queue == null ? -1 : queue.getConfiguration().getMaxParallel();
        }
    }
}
