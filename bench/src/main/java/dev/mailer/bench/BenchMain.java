package dev.mailer.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import dev.mailer.testsupport.pki.TestPki;

/**
 * Runs every benchmark in one go and prints the README's table: messages per second, p50 and p99
 * per row, and the ratios to the baselines of the same configuration.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar           # the full run (about 8 minutes on 2 cores)
 * java -jar bench/target/benchmarks.jar --smoke   # one short iteration of each, in this JVM
 * </pre>
 *
 * The table also goes to {@code bench/target/performance.md} (or the file after {@code --out}).
 */
public final class BenchMain {

    /** The system property naming the directory of a test PKI made once for the forks of a run. */
    static final String PKI_PROPERTY = "bench.pki";

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = List.of(args).contains("--smoke");
        Path out = Path.of(argAfter(args, "--out", "bench/target/performance.md"));
        Report report = run(smoke);
        String table = report.markdown();
        System.out.println();
        System.out.println(table);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, table, StandardCharsets.UTF_8);
    }

    private static String argAfter(String[] args, String name, String otherwise) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return otherwise;
    }

    /**
     * Runs the benchmarks: the full matrix (1 KB and 100 KB, plain and STARTTLS, basic and XOAUTH2)
     * for the sends, the headline configuration (1 KB, STARTTLS, XOAUTH2) for the outbox; a smoke run
     * does the headline configuration only, once, briefly, without forking.
     */
    static Report run(boolean smoke) throws RunnerException, IOException {
        Path pki = Files.createTempDirectory("bench-pki-");
        TestPki.generate(pki);
        List<RunResult> results = new ArrayList<>();
        ChainedOptionsBuilder sends = options(smoke, pki).include(MailBench.class.getName() + "\\.");
        if (!smoke) {
            sends.param("size", "1KB", "100KB").param("tls", "starttls", "plain").param("auth", "xoauth2", "basic");
        }
        results.addAll(new Runner(sends.build()).run());
        results.addAll(new Runner(options(smoke, pki).include(OutboxBench.class.getName() + "\\.outbox_(enqueue|1caller)$").build()).run());
        // one drain: filling the outbox with 10,000 messages is most of its time
        ChainedOptionsBuilder drain = options(smoke, pki).include(OutboxBench.class.getName() + "\\.outbox_drain$")
                .warmupIterations(0).measurementIterations(1);
        if (smoke) {
            drain.param("messages", "200");
        }
        results.addAll(new Runner(drain.build()).run());
        return new Report(results, smoke);
    }

    private static ChainedOptionsBuilder options(boolean smoke, Path pki) {
        ChainedOptionsBuilder options = new OptionsBuilder().shouldFailOnError(true)
                .jvmArgsAppend("-D" + PKI_PROPERTY + "=" + pki, "-Xmx1g");
        if (smoke) {
            System.setProperty(PKI_PROPERTY, pki.toString());
            return options.forks(0).warmupIterations(0).measurementIterations(1)
                    .measurementTime(TimeValue.milliseconds(300));
        }
        return options.forks(1).warmupIterations(1).warmupTime(TimeValue.seconds(2))
                .measurementIterations(2).measurementTime(TimeValue.seconds(3))
                .timeout(TimeValue.minutes(5));
    }

    /** The results of one run, as rows of the table. */
    static final class Report {
        final List<Row> rows = new ArrayList<>();
        private final boolean smoke;

        Report(Collection<RunResult> results, boolean smoke) {
            this.smoke = smoke;
            for (RunResult result : results) {
                rows.add(Row.of(result));
            }
        }

        Row find(String benchmark, String config) {
            for (Row row : rows) {
                if (row.benchmark.equals(benchmark) && row.config.equals(config)) {
                    return row;
                }
            }
            return null;
        }

        String markdown() {
            StringBuilder md = new StringBuilder();
            md.append("| configuration | client | callers | messages/s | p50 ms | p99 ms | ours/A | ours/B |\n");
            md.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
            for (Row row : rows) {
                Row a = find("baselineA_newTransportPerMessage", row.config);
                Row b = find("baselineB_rawSmtpOnOneSocket", row.config);
                // the outbox's enqueue is an acceptance, not a delivery: no ratio to a send
                boolean ours = row.benchmark.startsWith("ours") || row.benchmark.startsWith("outbox_1caller")
                        || row.benchmark.startsWith("outbox_drain");
                md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.0f | %s | %s | %s | %s |%n", row.config, row.label(),
                        row.threads, row.perSecond, ms(row.p50), ms(row.p99),
                        ours && a != null ? ratio(row.perSecond / a.perSecond) : "",
                        ours && b != null ? ratio(row.perSecond / b.perSecond) : ""));
            }
            String headline = "1KB starttls xoauth2";
            Row a = find("baselineA_newTransportPerMessage", headline);
            Row b = find("baselineB_rawSmtpOnOneSocket", headline);
            Row one = find("ours_1caller", headline);
            Row eight = find("ours_8callers", headline);
            if (a != null && b != null && one != null && eight != null) {
                md.append('\n').append("Targets (").append(headline).append("): ");
                md.append(String.format(Locale.ROOT, "ours/A %s (target >= 5x); ours 8 callers / 1 caller %s (target >= 3x);"
                        + " ours/B %s (target: within 2x, i.e. >= 0.50x); ours 8 callers/B %s.%n",
                        ratio(one.perSecond / a.perSecond), ratio(eight.perSecond / one.perSecond),
                        ratio(one.perSecond / b.perSecond), ratio(eight.perSecond / b.perSecond)));
            }
            if (smoke) {
                md.append("\n(smoke run: one short iteration, no warm-up; the numbers mean nothing)\n");
            }
            return md.toString();
        }

        private static String ms(double value) {
            return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.2f", value);
        }

        private static String ratio(double value) {
            return String.format(Locale.ROOT, "%.2fx", value);
        }
    }

    /** One benchmark of one configuration: messages per second, and p50/p99 in milliseconds (NaN when not sampled). */
    static final class Row {
        final String benchmark;
        final String config;
        final int threads;
        final double perSecond;
        final double p50;
        final double p99;

        private Row(String benchmark, String config, int threads, double perSecond, double p50, double p99) {
            this.benchmark = benchmark;
            this.config = config;
            this.threads = threads;
            this.perSecond = perSecond;
            this.p50 = p50;
            this.p99 = p99;
        }

        static Row of(RunResult result) {
            String name = result.getParams().getBenchmark();
            String benchmark = name.substring(name.lastIndexOf('.') + 1);
            String config = result.getParams().getParam("size") + " " + result.getParams().getParam("tls") + " "
                    + result.getParams().getParam("auth");
            int threads = result.getParams().getThreads();
            var statistics = result.getPrimaryResult().getStatistics();
            double ms = TimeUnit.MILLISECONDS.toNanos(1);
            double unit = result.getParams().getTimeUnit().toNanos(1) / ms; // ms per score unit
            if (benchmark.equals("outbox_drain")) {
                int messages = Integer.parseInt(result.getParams().getParam("messages"));
                double seconds = statistics.getMean() * unit / 1000;
                return new Row(benchmark + " " + messages, config, threads, messages / seconds, Double.NaN, Double.NaN);
            }
            double meanMs = statistics.getMean() * unit;
            return new Row(benchmark, config, threads, threads * 1000 / meanMs,
                    statistics.getPercentile(50) * unit, statistics.getPercentile(99) * unit);
        }

        String label() {
            if (benchmark.startsWith("baselineA")) {
                return "A: new Angus Transport per message";
            }
            if (benchmark.startsWith("baselineB")) {
                return "B: raw SMTP on one logged-in socket";
            }
            if (benchmark.startsWith("ours")) {
                return "ours: MailService.send (pool)";
            }
            if (benchmark.startsWith("outbox_drain")) {
                return "ours: outbox draining " + benchmark.substring("outbox_drain ".length()) + " queued";
            }
            if (benchmark.equals("outbox_enqueue")) {
                return "ours: outbox enqueue (accepted on disk)";
            }
            return "ours: outbox enqueue to delivered";
        }

        /** A number JMH measured: positive and finite. */
        boolean measured() {
            return perSecond > 0 && !Double.isInfinite(perSecond) && !Double.isNaN(perSecond);
        }
    }

    static void print(PrintStream out, Report report) {
        out.println(report.markdown());
    }
}
