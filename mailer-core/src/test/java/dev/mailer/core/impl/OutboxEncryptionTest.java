package dev.mailer.core.impl;

import static dev.mailer.core.impl.OutboxTestSupport.await;
import static dev.mailer.core.impl.OutboxTestSupport.config;
import static dev.mailer.core.impl.OutboxTestSupport.server;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.api.Email;
import dev.mailer.api.QueuedMail;
import dev.mailer.api.crypto.ReencryptionReport;
import dev.mailer.api.outbox.OutboxEntry;
import dev.mailer.commons.crypto.SecretCipher;
import dev.mailer.commons.crypto.SecretCiphers;
import dev.mailer.commons.testing.FakeCrypto;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * The outbox's messages at rest: encrypted with a CryptoService, owner-only without one, read back
 * either way, re-encrypted with a new key, and a message whose key is gone waits, saying why.
 */
class OutboxEncryptionTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String BODY = "The quarterly numbers nobody else may read";
    private static final byte[] MIME = ("Message-ID: <1@example.com>\r\nSubject: Confidential figures\r\n\r\n" + BODY + "\r\n")
            .getBytes(US_ASCII);

    @TempDir
    Path data;

    /** The service's own clock: its outbox ages messages from their enqueue time. */
    private final Clock clock = Clock.systemUTC();
    private DefaultMailService service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.deactivate();
        }
    }

    private OutboxState add(SecretCipher cipher) throws Exception {
        return new OutboxStore(data, clock, cipher).add(MIME, "<1@example.com>", "workflow@example.com", List.of("a@example.com"));
    }

    private String stored(OutboxState state) throws Exception {
        return new String(Files.readAllBytes(data.resolve(state.id + ".eml")), ISO_8859_1);
    }

    private byte[] readBack(OutboxState state, SecretCipher cipher) throws Exception {
        try (OutboxStore.Lease lease = new OutboxStore(data, clock, cipher).tryLock(state.id).orElseThrow()) {
            return lease.mime();
        }
    }

    @Test
    void withACryptoServiceTheMessageIsEncryptedOnDiskAndReadsBackUnchanged() throws Exception {
        OutboxState state = add(FakeCrypto.cipher("k1"));

        assertFalse(stored(state).contains(BODY), "no body in clear text");
        assertFalse(stored(state).contains("Confidential figures"), "no subject in clear text");
        assertArrayEquals(MIME, readBack(state, FakeCrypto.cipher("k1")));
    }

    @Test
    void withOrWithoutACryptoServiceTheMessageFilesAreReadableByTheirOwnerOnly() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        OutboxState plain = add(SecretCiphers.none());
        OutboxState sealed = add(FakeCrypto.cipher("k1"));

        for (OutboxState state : List.of(plain, sealed)) {
            for (String suffix : List.of(".eml", ".state")) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(state.id + suffix))));
            }
        }
        assertTrue(stored(plain).contains(BODY), "without a CryptoService the message is stored as it is");
    }

    @Test
    void aMessageQueuedBeforeThereWasACryptoServiceIsDeliveredByAServiceWithOne() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            OutboxState state = add(SecretCiphers.none());

            service = new DefaultMailService(config(smtp.port()), FakeCrypto.cipher("k1"));
            service.useOutbox(data);

            List<TestSmtpServer.ReceivedMessage> received = smtp.awaitMessages(1, WAIT);
            assertTrue(new String(received.get(0).data(), US_ASCII).contains(BODY));
            await(() -> !Files.exists(data.resolve(state.id + ".state")), WAIT, "the message left the outbox");
        }
    }

    @Test
    void aServiceWithACryptoServiceQueuesEncryptedAndDeliversTheMessageInClearToTheServer() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            service = new DefaultMailService(config(smtp.port()), FakeCrypto.cipher("k1"));
            service.useOutbox(data);

            QueuedMail queued = service.enqueue(Email.builder().to("jane@example.com").subject("Confidential figures").text(BODY)
                    .build());
            queued.completion().toCompletableFuture().get(20, TimeUnit.SECONDS);

            assertTrue(new String(smtp.messages().get(0).data(), US_ASCII).contains(BODY));
        }
    }

    @Test
    void aMessageWhoseKeyIsGoneWaitsNamingItsFileAndNothingIsSentUntilTheKeyIsBack() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            OutboxState state = add(FakeCrypto.cipher("old"));

            service = new DefaultMailService(config(smtp.port()), FakeCrypto.cipher("new"));
            service.useOutbox(data);

            await(() -> service.snapshot().getEntries().get(0).getLastError().isPresent(), WAIT, "an attempt failed");
            OutboxEntry waiting = service.snapshot().getEntries().get(0);
            String error = waiting.getLastError().orElseThrow();
            assertTrue(error.contains("The outbox message " + data.resolve(state.id + ".eml").toAbsolutePath() + " is encrypted, but it"
                    + " could not be decrypted with the CryptoService (names=mailer)"), error);
            assertTrue(error.contains("another key"), error);
            assertTrue(waiting.getState() != OutboxEntry.State.DEAD, "retried (transient), not a dead letter: " + waiting.getState());
            assertEquals(List.of(), smtp.messages());

            service.deactivate();
            service = new DefaultMailService(config(smtp.port()), FakeCrypto.cipher("old"));
            service.useOutbox(data);
            service.retry(state.id);
            assertTrue(new String(smtp.awaitMessages(1, WAIT).get(0).data(), US_ASCII).contains(BODY));
        }
    }

    @Test
    void reencryptionWritesPlainMessagesAndThoseOfThePreviousKeyWithTheCurrentKey() throws Exception {
        OutboxState plain = add(SecretCiphers.none());
        OutboxState old = add(FakeCrypto.cipher("old"));

        ReencryptionReport report = new OutboxReencryption(data, FakeCrypto.rotated("new", "old")).reencrypt();

        assertEquals(2, report.getReencrypted());
        assertTrue(report.isComplete(), report.getFailures().toString());
        for (OutboxState state : List.of(plain, old)) {
            assertFalse(stored(state).contains(BODY));
            assertArrayEquals(MIME, readBack(state, FakeCrypto.cipher("new")));
        }
    }

    @Test
    void reencryptionLeavesAMessageOfAnUnknownKeyAsItWasAndNamesItsFile() throws Exception {
        OutboxState other = add(FakeCrypto.cipher("other"));
        byte[] before = Files.readAllBytes(data.resolve(other.id + ".eml"));

        ReencryptionReport report = new OutboxReencryption(data, FakeCrypto.rotated("new", "old")).reencrypt();

        assertEquals(0, report.getReencrypted());
        String failure = report.getFailures().get(0);
        assertTrue(failure.startsWith("The outbox message " + data.resolve(other.id + ".eml").toAbsolutePath() + " is encrypted,"
                + " but it could not be decrypted with the CryptoService (names=mailer)"), failure);
        assertArrayEquals(before, Files.readAllBytes(data.resolve(other.id + ".eml")));
    }

    @Test
    void aMessageDeliveredWhileItIsReencryptedLeavesNoFileBehind() throws Exception {
        OutboxStore store = new OutboxStore(data, clock, FakeCrypto.cipher("k1"));
        OutboxState state = store.add(MIME, "<1@example.com>", "workflow@example.com", List.of("a@example.com"));
        // a delivery removes the state file first, then the MIME file: reseal comes in between
        Files.delete(data.resolve(state.id + ".state"));

        assertFalse(store.reseal(state.id));
        try (var files = Files.list(data)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith(state.id)).map(Path::toString)
                    .collect(Collectors.toList()));
        }
    }
}
