package dev.mailer.commons.metrics;

import java.util.function.LongSupplier;

/** Where {@link Metrics} reports to: Sling Commons Metrics ({@link SlingMetrics}) or nowhere. Thread-safe. */
interface MetricSink {

    /** Reports nothing: the container has no metrics service. */
    MetricSink NONE = new MetricSink() {
        @Override
        public void increment(String counter) {
        }

        @Override
        public void time(String timer, long nanos) {
        }

        @Override
        public void gauge(String name, LongSupplier value) {
        }
    };

    void increment(String counter);

    void time(String timer, long nanos);

    /** Registers a gauge whose value is read when the metrics are read. */
    void gauge(String name, LongSupplier value);
}
