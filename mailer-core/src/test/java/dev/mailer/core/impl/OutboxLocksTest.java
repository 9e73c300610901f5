package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.commons.testing.MutableClock;

/** The per-message lock keeps out another process, as it keeps out another thread of this one. */
class OutboxLocksTest {

    @TempDir
    Path data;

    @Test
    void aMessageLockedByAnotherProcessIsNotDeliveredHereUntilThatProcessLetsGo() throws Exception {
        OutboxStore store = new OutboxStore(data, new MutableClock());
        String id = store.add("Message-ID: <1@example.com>\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII), "<1@example.com>",
                "workflow@example.com", List.of("jane@example.com")).id;
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolderProcess.class.getName(),
                data.resolve(id + ".lock").toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine(), "the other process holds the lock");

            assertEquals(Optional.empty(), store.tryLock(id), "not while the other process holds it");

            other.getOutputStream().close();
            assertTrue(other.waitFor(30, TimeUnit.SECONDS), "the other process ended");
            try (OutboxStore.Lease lease = store.tryLock(id).orElseThrow()) {
                assertEquals(id, lease.state().id);
            }
        } finally {
            other.destroyForcibly();
        }
    }
}
