package dev.mailer.core.impl;

import java.nio.file.Path;

/**
 * Run as a child process by {@link OutboxLocksTest}: takes the outbox lock of the file in its
 * argument, says "locked" (or "busy") on stdout, and holds the lock until its stdin is closed.
 */
public final class LockHolderProcess {

    private LockHolderProcess() {
    }

    public static void main(String[] args) throws Exception {
        try (OutboxLocks.Held held = OutboxLocks.tryLock(Path.of(args[0])).orElse(null)) {
            System.out.println(held == null ? "busy" : "locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the lock until the parent closes our stdin
            }
        }
    }
}
