package dev.mailer.aem.impl;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What the SLF4J test binding (slf4j-simple, which writes to standard error) logs until closed. */
final class CapturedLog implements AutoCloseable {

    private final PrintStream standardError = System.err;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    CapturedLog() {
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    String text() {
        return log.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        System.setErr(standardError);
    }
}
