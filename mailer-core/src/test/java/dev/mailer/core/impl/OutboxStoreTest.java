package dev.mailer.core.impl;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.api.MailException;
import dev.mailer.api.outbox.OutboxEntry;
import dev.mailer.commons.testing.MutableClock;

/** The outbox on disk: written durably or refused loudly, one holder per message, gone only when removed. */
class OutboxStoreTest {

    @TempDir
    Path data;

    private final MutableClock clock = new MutableClock();

    private static final byte[] MIME = "Message-ID: <1@example.com>\r\nSubject: hi\r\n\r\nbody\r\n".getBytes(US_ASCII);

    @Test
    void anAddedMessageIsListedQueuedWithItsEnvelopeAndItsBytesUnchanged() throws Exception {
        OutboxStore store = new OutboxStore(data.resolve("outbox"), clock);

        OutboxState added = store.add(MIME, "<1@example.com>", "workflow@example.com", List.of("a@example.com", "b@example.com"));

        OutboxState listed = new OutboxStore(data.resolve("outbox"), clock).list().get(0);
        assertEquals(added.id, listed.id);
        assertEquals("<1@example.com>", listed.messageId);
        assertEquals("workflow@example.com", listed.envelopeFrom);
        assertEquals(List.of("a@example.com", "b@example.com"), listed.pending);
        assertEquals(clock.instant(), listed.enqueuedAt);
        assertEquals(OutboxEntry.State.QUEUED, listed.toEntry(false).getState());
        try (OutboxStore.Lease lease = store.tryLock(added.id).orElseThrow()) {
            assertArrayEquals(MIME, lease.mime());
        }
    }

    @Test
    void anAddedMessageIsForcedToDiskContentThenStateThenTheDirectoryOnceAfterBothRenames() throws Exception {
        Path directory = data.resolve("outbox");
        List<String> forced = new ArrayList<>();
        OutboxStore store = new OutboxStore(directory, clock, (channel, path) -> {
            channel.force(true);
            // the files there at this moment tell which renames came before
            try (Stream<Path> files = Files.list(directory)) {
                forced.add((path.equals(directory) ? "directory" : path.getFileName().toString().replaceAll("^[0-9a-f-]+", "id"))
                        + " with " + files.map(f -> f.getFileName().toString().replaceAll("^[0-9a-f-]+", "id")).sorted()
                                .collect(Collectors.toList()));
            }
        });

        store.add(MIME, "<1@example.com>", "workflow@example.com", List.of("a@example.com"));

        assertEquals(List.of("id.eml.tmp with [id.eml.tmp]", "id.state.tmp with [id.eml, id.state.tmp]",
                "directory with [id.eml, id.state]"), forced);
    }

    @Test
    void anUnknownIdIsNothingToLockEvenBeforeTheOutboxDirectoryExistsAndLeavesNoFile() throws Exception {
        Path directory = data.resolve("outbox");
        OutboxStore store = new OutboxStore(directory, clock);

        assertEquals(Optional.empty(), store.tryLock("1764655200000-3f2a9c0d8e7b6a51"));

        store.add(MIME, "<1@example.com>", "workflow@example.com", List.of("a@example.com"));
        assertEquals(Optional.empty(), store.tryLock("1764655200000-3f2a9c0d8e7b6a51"));
        try (var files = Files.list(directory)) {
            assertFalse(files.anyMatch(file -> file.getFileName().toString().startsWith("1764655200000-3f2a9c0d8e7b6a51")),
                    "no lock file for a message that does not exist");
        }
    }

    @Test
    void anUnwritableDataAreaMakesAddFailNamingTheDirectoryAndQueuesNothing() throws Exception {
        Path notADirectory = data.resolve("outbox");
        Files.writeString(notADirectory, "a file where the directory should be");
        OutboxStore store = new OutboxStore(notADirectory, clock);

        MailException e = assertThrows(MailException.class,
                () -> store.add(MIME, "<1@example.com>", "workflow@example.com", List.of("a@example.com")));

        assertTrue(e.getMessage().contains("The outbox directory " + notADirectory + " cannot be written"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing was queued"), e.getMessage());
        assertEquals(List.of(), store.list());
    }

    @Test
    void aFullDiskMakesAddFailNamingTheDirectoryAndLeavesNoFileBehind() throws Exception {
        Path directory = data.resolve("outbox");
        OutboxStore store = new OutboxStore(directory, clock, (channel, path) -> {
            throw new IOException("No space left on device");
        });

        MailException e = assertThrows(MailException.class,
                () -> store.add(MIME, "<1@example.com>", "workflow@example.com", List.of("a@example.com")));

        assertTrue(e.getMessage().contains(directory.toString()) && e.getMessage().contains("No space left on device"),
                e.getMessage());
        assertEquals(List.of(), files(directory));
    }

    @Test
    void twoStoresOnOneDirectoryNeverHoldTheSameMessageAtOnce() throws Exception {
        OutboxStore first = new OutboxStore(data, clock);
        OutboxStore second = new OutboxStore(data, clock);
        String id = first.add(MIME, "<1@example.com>", "workflow@example.com", List.of("a@example.com")).id;

        try (OutboxStore.Lease held = first.tryLock(id).orElseThrow()) {
            assertEquals(Optional.empty(), second.tryLock(id), "held by the first store");
            assertEquals(Optional.empty(), first.tryLock(id), "held by another thread of this store");
            assertTrue(second.isLockedHere(id));
        }
        try (OutboxStore.Lease held = second.tryLock(id).orElseThrow()) {
            assertEquals(id, held.state().id);
        }
    }

    @Test
    void anUpdatedStateIsWhatAnotherStoreReadsAndARemovedMessageIsGoneForEveryone() throws Exception {
        OutboxStore first = new OutboxStore(data, clock);
        OutboxStore second = new OutboxStore(data, clock);
        String id = first.add(MIME, "<1@example.com>", "workflow@example.com", List.of("a@example.com", "b@example.com")).id;

        try (OutboxStore.Lease lease = first.tryLock(id).orElseThrow()) {
            lease.update(lease.state().attempted(List.of("b@example.com"), List.of("a@example.com"), List.of(),
                    "451 4.7.1 Try again later").waitingUntil(clock.instant().plus(Duration.ofMinutes(1))));
        }
        OutboxState read = second.read(id).orElseThrow();
        assertEquals(List.of("b@example.com"), read.pending);
        assertEquals(List.of("a@example.com"), read.delivered);
        assertEquals(1, read.attempts);
        assertEquals("451 4.7.1 Try again later", read.lastError);
        assertEquals(OutboxEntry.State.WAITING, read.toEntry(false).getState());

        try (OutboxStore.Lease lease = second.tryLock(id).orElseThrow()) {
            lease.remove();
        }
        assertEquals(Optional.empty(), first.tryLock(id));
        assertEquals(List.of(), first.list());
        assertEquals(List.of(), files(data));
    }

    @Test
    void whatACrashLeftIsSweptOnceOldAndNothingOfAQueuedMessageOrOfAWriteInProgress() throws Exception {
        OutboxStore store = new OutboxStore(data, clock);
        String queued = store.add(MIME, "<1@example.com>", "workflow@example.com", List.of("a@example.com")).id;
        try (OutboxStore.Lease lease = store.tryLock(queued).orElseThrow()) {
            // its lock file now exists too
        }
        Path halfWritten = Files.writeString(data.resolve("1-2.state.tmp"), "half");
        Path neverAccepted = Files.write(data.resolve("1-3.eml"), MIME);
        Path ofADeliveredOne = Files.writeString(data.resolve("1-4.lock"), "");
        Path inProgress = Files.write(data.resolve("1-5.eml"), MIME);
        FileTime old = FileTime.from(clock.instant().minus(Duration.ofHours(2)));
        for (Path file : List.of(halfWritten, neverAccepted, ofADeliveredOne, data.resolve(queued + ".eml"),
                data.resolve(queued + ".state"), data.resolve(queued + ".lock"))) {
            Files.setLastModifiedTime(file, old);
        }
        Files.setLastModifiedTime(inProgress, FileTime.from(clock.instant()));

        assertEquals(3, store.sweep(Duration.ofHours(1)));

        assertEquals(List.of("1-5.eml", queued + ".eml", queued + ".lock", queued + ".state"),
                files(data).stream().map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()));
        assertEquals(1, store.list().size());
    }

    @Test
    void anIdFromOutsideCannotNameAFileElsewhere() {
        OutboxStore store = new OutboxStore(data, clock);

        assertThrows(IllegalArgumentException.class, () -> store.tryLock("../secrets/smtp_password"));
    }

    private static List<Path> files(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.collect(Collectors.toList());
        }
    }
}
