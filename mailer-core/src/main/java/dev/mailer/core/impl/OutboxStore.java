package dev.mailer.core.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.MailException;
import dev.mailer.commons.crypto.CipherException;
import dev.mailer.commons.crypto.SealedBytes;
import dev.mailer.commons.crypto.SecretCipher;
import dev.mailer.commons.crypto.SecretCiphers;
import dev.mailer.commons.file.DurableFile;

/**
 * The outbox on disk: per message {@code ID.eml}, the MIME bytes written once (with their
 * Message-ID, so every attempt sends the same message), {@code ID.state}, the {@link OutboxState}
 * replaced atomically, and {@code ID.lock}, the lock file of {@link OutboxLocks}. Both data files
 * are written with {@link DurableFile}: forced to disk, renamed atomically, the directory forced.
 * A message exists once its state file does (written after the MIME bytes); it is gone once its
 * state file is deleted, which happens only under its lock. Thread-safe; several instances, also
 * in several processes, may share a directory.
 *
 * <p>With a CryptoService, the MIME bytes (headers, body, attachments) are encrypted
 * ({@link SealedBytes}); MIME files written without one read as they are. The state file holds no
 * content and stays readable, so that the outbox can be listed without the key.
 */
final class OutboxStore {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxStore.class);

    /** The outbox's folder in the bundle data area. */
    static final String DATA_DIRECTORY = "outbox";

    private static final String MIME = ".eml";
    private static final String STATE = ".state";
    private static final String LOCK = ".lock";

    private final Path directory;
    private final Clock clock;
    private final DurableFile.Sync sync;
    private final SecretCipher cipher;

    OutboxStore(Path directory, Clock clock) {
        this(directory, clock, DurableFile.Sync.DISK, SecretCiphers.none());
    }

    OutboxStore(Path directory, Clock clock, SecretCipher cipher) {
        this(directory, clock, DurableFile.Sync.DISK, cipher);
    }

    OutboxStore(Path directory, Clock clock, DurableFile.Sync sync) {
        this(directory, clock, sync, SecretCiphers.none());
    }

    OutboxStore(Path directory, Clock clock, DurableFile.Sync sync, SecretCipher cipher) {
        this.directory = directory.toAbsolutePath();
        this.clock = clock;
        this.sync = sync;
        this.cipher = cipher;
    }

    Path directory() {
        return directory;
    }

    /**
     * Writes a new message durably; when this returns, it survives a crash.
     *
     * @throws MailException naming the directory when it cannot be written (nothing is queued then)
     */
    OutboxState add(byte[] mime, String messageId, String envelopeFrom, List<String> recipients) throws MailException {
        byte[] stored;
        try {
            stored = SealedBytes.seal(mime, cipher);
        } catch (CipherException e) {
            throw OutboxFailures.notEncrypted(e);
        }
        String id = newId();
        OutboxState state = OutboxState.queued(id, messageId, envelopeFrom, recipients, clock.instant());
        try {
            Files.createDirectories(directory);
            // content, then state: each forced before its rename; the directory once, after both (the state's
            // replace), before this returns. Until then the message is not accepted; journaling file systems
            // (ext4, XFS) commit the two renames in order, so a crash leaves at most content without state (swept)
            new DurableFile(mimeFile(id), sync).replaceLeavingDirectory(out -> out.write(stored));
            new DurableFile(directory.resolve(id + STATE), sync).replace(state::writeTo);
            return state;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(directory.resolve(id + STATE));
            deleteQuietly(directory.resolve(id + MIME));
            throw OutboxFailures.notWritten(directory, e);
        }
    }

    /** Every message now (unreadable state files are logged and skipped). */
    List<OutboxState> list() {
        List<OutboxState> states = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return states;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + STATE)) {
            for (Path file : files) {
                read(idOf(file)).ifPresent(states::add);
            }
        } catch (IOException e) {
            LOG.warn("Cannot list the outbox {}: {}", directory, e.toString());
        }
        return states;
    }

    /** The message's state, or empty when there is no such message (or its state file is unreadable, logged). */
    Optional<OutboxState> read(String id) {
        Path file = directory.resolve(id + STATE);
        try (InputStream in = Files.newInputStream(file)) {
            return Optional.of(OutboxState.readFrom(in));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.warn("Skipping the unreadable outbox entry {}: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Deletes what a crash left behind, once older than {@code olderThan} (a younger one may belong to
     * an enqueue in progress in another process): half-written temporary files, and MIME or lock
     * files of no message (no state file: never accepted, or already delivered).
     *
     * @return how many files were deleted
     */
    int sweep(Duration olderThan) {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        Instant limit = clock.instant().minus(olderThan);
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                if (isLeftover(file.getFileName().toString()) && Files.getLastModifiedTime(file).toInstant().isBefore(limit)
                        && Files.deleteIfExists(file)) {
                    deleted++;
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot clean up the outbox {}: {}", directory, e.toString());
        }
        if (deleted > 0) {
            LOG.info("Deleted {} file(s) an interrupted write or delivery left in the outbox {}", deleted, directory);
        }
        return deleted;
    }

    private boolean isLeftover(String name) {
        if (name.endsWith(".tmp")) {
            return true;
        }
        String suffix = name.endsWith(MIME) ? MIME : name.endsWith(LOCK) ? LOCK : null;
        return suffix != null && !Files.exists(directory.resolve(name.substring(0, name.length() - suffix.length()) + STATE));
    }

    /** The file of a message's MIME bytes, for messages. */
    Path mimeFile(String id) {
        return directory.resolve(id + MIME);
    }

    /**
     * Writes a message's MIME bytes again, encrypted with the current key (read with it, the previous
     * key, or unencrypted). Needs no message lock: the MIME file is written once and otherwise only
     * replaced here, atomically, so a delivery reads the old or the new file, both readable. When the
     * message was delivered meanwhile, the file written for it is removed again.
     *
     * @return false when there is no such message (any more)
     * @throws IOException naming why it could not be read or written ({@link CipherException}: decrypted); it is left as it was
     */
    boolean reseal(String id) throws IOException {
        Path file = mimeFile(id);
        byte[] mime;
        try {
            mime = SealedBytes.open(Files.readAllBytes(file), cipher);
        } catch (NoSuchFileException e) {
            if (Files.exists(directory.resolve(id + STATE))) {
                throw e;
            }
            return false;
        }
        byte[] stored = SealedBytes.seal(mime, cipher);
        new DurableFile(file, sync).replace(out -> out.write(stored));
        if (!Files.exists(directory.resolve(id + STATE))) {
            deleteQuietly(file);
            return false;
        }
        return true;
    }

    /** Whether this JVM holds the message's lock now (a delivery or an operator's change runs). */
    boolean isLockedHere(String id) {
        return OutboxLocks.heldHere(directory.resolve(id + LOCK));
    }

    /**
     * Takes the message's lock and reads its current state, or empty when another thread, component
     * instance or process holds it, or the message is gone.
     */
    Optional<Lease> tryLock(String id) throws IOException {
        checkId(id);
        if (!Files.exists(directory.resolve(id + STATE))) {
            return Optional.empty(); // no such message (an unknown id, or delivered meanwhile): nothing to lock
        }
        Optional<OutboxLocks.Held> held = OutboxLocks.tryLock(directory.resolve(id + LOCK));
        if (held.isEmpty()) {
            return Optional.empty();
        }
        // read under the lock: another holder may have delivered (and deleted) it meanwhile
        Optional<OutboxState> state = read(id);
        if (state.isEmpty()) {
            held.get().close();
            deleteQuietly(directory.resolve(id + LOCK));
            return Optional.empty();
        }
        return Optional.of(new Lease(state.get(), held.get()));
    }

    /** A message under its lock: read its bytes, change its state, or remove it. */
    final class Lease implements AutoCloseable {
        private OutboxState state;
        private final OutboxLocks.Held held;
        private boolean removed;

        private Lease(OutboxState state, OutboxLocks.Held held) {
            this.state = state;
            this.held = held;
        }

        OutboxState state() {
            return state;
        }

        /** @throws CipherException when the bytes are encrypted and cannot be decrypted (no CryptoService, another key) */
        byte[] mime() throws IOException {
            return SealedBytes.open(Files.readAllBytes(mimeFile(state.id)), cipher);
        }

        /** Replaces the state durably. */
        void update(OutboxState next) throws IOException {
            new DurableFile(directory.resolve(state.id + STATE), sync).replace(next::writeTo);
            state = next;
        }

        /** Removes the message: the state file first, so that a crash leaves no half message that looks queued. */
        void remove() throws IOException {
            Files.deleteIfExists(directory.resolve(state.id + STATE));
            deleteQuietly(directory.resolve(state.id + MIME));
            removed = true;
        }

        @Override
        public void close() {
            if (removed) {
                // deleted while held: whoever opens it later finds no state file and lets go
                deleteQuietly(directory.resolve(state.id + LOCK));
            }
            held.close();
        }
    }

    private static String idOf(Path stateFile) {
        String name = stateFile.getFileName().toString();
        return name.substring(0, name.length() - STATE.length());
    }

    /** Time-ordered and unique enough across processes: milliseconds and 64 random bits. */
    private String newId() {
        return String.format("%013d-%016x", clock.millis(), ThreadLocalRandom.current().nextLong());
    }

    /** An id from outside (an operator) must not name a file elsewhere. */
    private static void checkId(String id) {
        if (id == null || !id.matches("[0-9a-zA-Z-]{1,64}")) {
            throw new IllegalArgumentException("not an outbox id: " + id);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("Cannot delete {}: {}", file, e.toString());
        }
    }
}
