package dev.mailer.launcher.args;

/** The command line is wrong; the message names the option. Exit code 2. */
public final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
