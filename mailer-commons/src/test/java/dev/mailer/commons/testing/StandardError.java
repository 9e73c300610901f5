package dev.mailer.commons.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What is printed to standard error while an action runs: where the SLF4J test binding
 * (slf4j-simple, which looks up {@code System.err} on every line) and a mail session's debug
 * trace write. Not for tests that run in parallel with others that print.
 */
public final class StandardError {

    /** An action that may throw anything. */
    public interface Action {
        void run() throws Exception;
    }

    private StandardError() {
    }

    /** Runs {@code action} with standard error captured, and returns what was printed to it. */
    public static String capture(Action action) throws Exception {
        PrintStream previous = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(previous);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
