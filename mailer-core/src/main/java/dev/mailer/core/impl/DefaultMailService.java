package dev.mailer.core.impl;

/** Placeholder while the implementation lands; see the issue tracker. */
final class DefaultMailService {
    static final String PID = "dev.mailer.core.impl.DefaultMailService";
}
