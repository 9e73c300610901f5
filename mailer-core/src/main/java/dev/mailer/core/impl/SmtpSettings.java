package dev.mailer.core.impl;

final class SmtpSettings {
    static final int DEFAULT_PORT = 587;
    static final int DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
    static final int DEFAULT_READ_TIMEOUT_MS = 60_000;
    static final int DEFAULT_WRITE_TIMEOUT_MS = 60_000;
}
