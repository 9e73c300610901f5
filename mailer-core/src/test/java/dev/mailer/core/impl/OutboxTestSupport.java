package dev.mailer.core.impl;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.mailer.testsupport.smtp.TestSmtpServer;

/** Settings, services and waiting for the outbox tests: small retry times, a plain server on loopback. */
final class OutboxTestSupport {

    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID:\\s*(\\S+)");

    private OutboxTestSupport() {
    }

    /** A plain (no TLS) server on 127.0.0.1, retries after 50..100 ms doubling up to 200..400 ms. */
    static Map<String, Object> config(int port) {
        Map<String, Object> config = new HashMap<>();
        config.put("smtp.host", "127.0.0.1");
        config.put("smtp.port", port);
        config.put("smtp.user", "workflow");
        config.put("smtp.password", "s3cret-Pa55");
        config.put("from.address", "Workflow <workflow@example.com>");
        config.put("smtp.starttls", false);
        config.put("smtp.requiretls", false);
        config.put("smtp.timeout.connect", 2_000);
        config.put("smtp.timeout.read", 5_000);
        config.put("outbox.retry.initial", "PT0.1S");
        config.put("outbox.retry.max", "PT0.4S");
        config.put("outbox.shutdown.timeout", "PT5S");
        return config;
    }

    static TestSmtpServer.Builder server() {
        return TestSmtpServer.builder().withoutTls().credentials("workflow", "s3cret-Pa55");
    }

    /** A service with its outbox in {@code directory}, as activation would give it. */
    static DefaultMailService service(Map<String, Object> config, Path directory) {
        DefaultMailService service = new DefaultMailService(config);
        service.useOutbox(directory);
        return service;
    }

    /** The Message-ID header of each message, in order of arrival. */
    static List<String> messageIds(List<TestSmtpServer.ReceivedMessage> messages) {
        List<String> ids = new ArrayList<>();
        for (TestSmtpServer.ReceivedMessage message : messages) {
            Matcher m = MESSAGE_ID.matcher(new String(message.data(), StandardCharsets.UTF_8));
            ids.add(m.find() ? m.group(1) : null);
        }
        return ids;
    }

    /** Waits until {@code condition} holds; fails naming {@code what} after {@code timeout}. */
    static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // the poll interval, bounded by the deadline
        }
    }
}
