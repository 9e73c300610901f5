package dev.mailer.health.impl;

import static dev.mailer.health.impl.FakeMailer.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.Result.Status;
import org.junit.jupiter.api.Test;

import dev.mailer.api.check.CheckReport;
import dev.mailer.api.check.CheckStep.Outcome;

/** The SMTP check from the reports of a connection check, which runs on a thread of its own. */
class SmtpCheckTest {

    private final FakeMailer.Check connection = new FakeMailer.Check();

    private Result execute(Map<String, Object> properties) {
        return new SmtpCheck(connection, properties).execute();
    }

    @Test
    void aCheckThatPassedIsOkWithEachStepAndRanOnAnotherThreadThanTheCaller() {
        connection.runs = () -> new CheckReport(List.of(
                step("configuration", Outcome.PASS, "127.0.0.1:2525, no TLS", null),
                step("connect", Outcome.PASS, "Connected to 127.0.0.1:2525 in 3 ms", null)));

        Result result = execute(Map.of());

        assertEquals(Status.OK, result.getStatus(), Results.text(result));
        assertEquals(List.of("OK configuration PASS: 127.0.0.1:2525, no TLS", "OK connect PASS: Connected to 127.0.0.1:2525 in 3 ms",
                "OK The SMTP server accepted the configured login and sender; nothing was sent."), Results.lines(result));
        assertNotSame(Thread.currentThread(), connection.ranOn.get());
    }

    @Test
    void aFailedStepIsCriticalWithTheServersReasonAndTheFix() {
        connection.runs = () -> new CheckReport(List.of(
                step("configuration", Outcome.PASS, "127.0.0.1:2525, no TLS", null),
                step("connect", Outcome.FAIL, "Cannot connect to 127.0.0.1:2525: Connection refused",
                        "Check smtp.host and smtp.port, and that a firewall lets the connection through.")));

        Result result = execute(Map.of());

        assertEquals(Status.CRITICAL, result.getStatus());
        assertEquals("CRITICAL connect FAIL: Cannot connect to 127.0.0.1:2525: Connection refused Fix: Check smtp.host and smtp.port,"
                + " and that a firewall lets the connection through.", Results.lines(result).get(1));
    }

    @Test
    void aWarningStepIsAWarning() {
        connection.runs = () -> new CheckReport(List.of(step("tls", Outcome.WARN, "The server offers no STARTTLS", "smtp.requiretls")));

        assertEquals(Status.WARN, execute(Map.of()).getStatus());
    }

    @Test
    void aCheckThatDoesNotFinishIsCriticalAfterTheTimeoutAndTheCallerIsFreeAgain() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        connection.runs = () -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new CheckReport(List.of());
        };
        long start = System.nanoTime();
        try {
            Result result = execute(Map.of(SmtpCheck.TIMEOUT, "PT1S"));

            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertTrue(seconds < 10, "returned after " + seconds + " s");
            assertEquals(Status.CRITICAL, result.getStatus());
            assertTrue(Results.text(result).contains("The connection check did not finish within PT1S"), Results.text(result));
        } finally {
            release.countDown();
        }
    }

    @Test
    void aCheckThatThrowsIsAHealthCheckError() {
        connection.runs = () -> {
            throw new IllegalStateException("broken");
        };

        Result result = execute(Map.of());

        assertEquals(Status.HEALTH_CHECK_ERROR, result.getStatus());
        assertTrue(Results.text(result).contains("java.lang.IllegalStateException: broken"), Results.text(result));
    }

    @Test
    void anInvalidTimeoutIsAHealthCheckErrorNamingTheSetting() {
        Result result = execute(Map.of(SmtpCheck.TIMEOUT, "30 seconds"));

        assertEquals(Status.HEALTH_CHECK_ERROR, result.getStatus());
        assertTrue(Results.text(result).contains("timeout: '30 seconds' is not an ISO-8601 duration"), Results.text(result));
        assertEquals(null, connection.ranOn.get(), "not run");
    }
}
