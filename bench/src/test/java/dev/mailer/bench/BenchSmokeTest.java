package dev.mailer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The benchmarks cannot rot: one short iteration of each, in this JVM, at the headline configuration.
 * Asserts that every one ran and gave a number, never how fast.
 */
class BenchSmokeTest {

    @Test
    void everyBenchmarkRunsOnceAndGivesAMessageRate() throws Exception {
        BenchMain.Report report = BenchMain.run(true);

        List<String> expected = List.of("baselineA_newTransportPerMessage", "baselineB_rawSmtpOnOneSocket", "ours_1caller",
                "ours_8callers", "outbox_enqueue", "outbox_1caller", "outbox_drain 200");
        assertEquals(expected.size(), report.rows.size(), report.markdown());
        for (String benchmark : expected) {
            BenchMain.Row row = report.find(benchmark, "1KB starttls xoauth2");
            assertNotNull(row, benchmark + " missing from\n" + report.markdown());
            assertTrue(row.measured(), benchmark + " gave no number:\n" + report.markdown());
        }
        assertTrue(report.markdown().contains("Targets (1KB starttls xoauth2): ours/A "), report.markdown());
    }
}
