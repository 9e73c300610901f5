package dev.mailer.launcher.args;

/** Exit codes of the launcher, after BSD sysexits where one fits. */
public final class ExitCodes {

    public static final int OK = 0;
    /** The server or the configuration refused the message; sending it again will fail the same way. */
    public static final int PERMANENT_FAILURE = 1;
    /** Bad command line or an invalid message (address, header). */
    public static final int USAGE = 2;
    /** {@code queue}: the outbox holds dead letters, which need an operator (retry or purge). */
    public static final int DEAD_LETTERS = 3;
    /** No MailService appeared in time (EX_UNAVAILABLE). */
    public static final int UNAVAILABLE = 69;
    /** The container failed: a bundle did not resolve or start (EX_SOFTWARE). */
    public static final int CONTAINER_FAILED = 70;
    /** A temporary failure: try again later (EX_TEMPFAIL). */
    public static final int TRANSIENT_FAILURE = 75;

    private ExitCodes() {
    }
}
