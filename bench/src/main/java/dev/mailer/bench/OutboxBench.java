package dev.mailer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import dev.mailer.api.Email;
import dev.mailer.api.QueuedMail;
import dev.mailer.api.SendResult;
import dev.mailer.core.impl.BenchMailService;
import dev.mailer.core.impl.DefaultMailService;

/**
 * The outbox: one message enqueued (accepted, SampleTime), one enqueued and awaited (enqueue to
 * delivered, SampleTime), and the
 * delivery of {@code messages} queued messages (SingleShotTime: the server holds the first
 * deliveries until all are enqueued, then the clock runs until the last one is accepted).
 * The outbox lives in a directory on disk ({@code bench.dir}, else the temporary directory): its
 * writes are forced to disk as in production.
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class OutboxBench {

    /** Enqueue one message and wait for its delivery: the latency of the outbox. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @Threads(1)
    public SendResult outbox_1caller(Fixture fixture, One one) throws Exception {
        return one.service.enqueue(fixture.email(0)).completion().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }

    /** Enqueue one message: what a caller of the outbox waits for (written and forced to disk), delivered in the background. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @Threads(1)
    public QueuedMail outbox_enqueue(Fixture fixture, One one) throws Exception {
        return one.service.enqueue(fixture.email(0));
    }

    /** Deliver the messages queued in {@link Drain#fill}, through 8 connections. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Threads(1)
    public int outbox_drain(Fixture fixture, Drain drain) {
        drain.release.countDown();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        int accepted;
        while ((accepted = fixture.smtp.acceptedCount()) < drain.target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the outbox delivered " + (accepted - drain.target + drain.messages)
                        + " of " + drain.messages + " messages within 5 minutes");
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200)); // the poll interval of the measurement
        }
        return accepted;
    }

    @State(Scope.Benchmark)
    public static class One {
        DefaultMailService service;
        Path directory;

        @Setup(Level.Trial)
        public void setUp(Fixture fixture) throws IOException {
            directory = newDirectory();
            service = BenchMailService.start(fixture.serviceConfig(8), provider(fixture), directory);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            BenchMailService.stop(service);
            delete(directory);
        }
    }

    @State(Scope.Benchmark)
    public static class Drain {
        /** How many messages are queued for one drain. */
        @Param({"10000"})
        public int messages;

        DefaultMailService service;
        Path directory;
        CountDownLatch release;
        int target;

        @Setup(Level.Invocation)
        public void fill(Fixture fixture) throws Exception {
            directory = newDirectory();
            release = new CountDownLatch(1);
            // each delivery thread stops at its first message until all are queued
            fixture.smtp.holdNextMessages(8, release);
            Map<String, Object> config = fixture.serviceConfig(8);
            config.put("smtp.timeout.read", 120_000); // the held replies take as long as the filling
            service = BenchMailService.start(config, provider(fixture), directory);
            target = fixture.smtp.acceptedCount() + messages;
            // 8 threads: their forced writes overlap, so the filling stays well within the server's hold
            ExecutorService fillers = Executors.newFixedThreadPool(8);
            try {
                List<Future<QueuedMail>> queued = new ArrayList<>();
                for (int i = 0; i < messages; i++) {
                    Email email = fixture.email(i);
                    queued.add(fillers.submit(() -> service.enqueue(email)));
                }
                for (Future<QueuedMail> q : queued) {
                    q.get();
                }
            } finally {
                fillers.shutdown();
            }
            if (fixture.smtp.acceptedCount() > target - messages) {
                throw new IllegalStateException("messages were delivered before the drain began: the server's hold ended");
            }
        }

        @TearDown(Level.Invocation)
        public void tearDown() throws IOException {
            release.countDown();
            BenchMailService.stop(service);
            delete(directory);
        }
    }

    private static LocalTokenProvider provider(Fixture fixture) {
        return fixture.xoauth2() ? new LocalTokenProvider(fixture.tokens.tokenUri()) : null;
    }

    private static Path newDirectory() throws IOException {
        String base = System.getProperty("bench.dir");
        Path parent = base != null ? Files.createDirectories(Path.of(base)) : Path.of(System.getProperty("java.io.tmpdir"));
        return Files.createTempDirectory(parent, "bench-outbox-");
    }

    private static void delete(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(file);
            }
        }
    }
}
