package dev.mailer.launcher.cli;

import java.io.PrintStream;
import java.util.function.Function;

import dev.mailer.api.MailException;
import dev.mailer.launcher.args.ExitCodes;
import dev.mailer.launcher.args.UsageException;

/**
 * A launcher command run inside the framework. The launcher's Main, outside the framework, sees
 * only JDK types: it finds a command by its {@value #COMMAND_PROPERTY} service property, passes the
 * arguments after the command's name and gets the exit code (the idea of bnd's {@code main.thread}
 * services). The same object is a Gogo command ({@code mailer:<name>}) through its
 * {@code osgi.command.*} properties.
 *
 * <p>Commands print their results on stdout and problems on stderr: this is the user-facing
 * output, the one place where bundles print instead of logging. Both streams are taken at call
 * time, because Gogo routes {@code System.out} to the calling shell session.
 */
abstract class CliCommand implements Function<String[], Integer> {

    /** Service property by which the launcher finds its commands. */
    static final String COMMAND_PROPERTY = "mailer.launcher.command";
    static final String GOGO_SCOPE = "osgi.command.scope=mailer";

    @Override
    public final Integer apply(String[] args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        try {
            int exit = run(args, out, err);
            out.flush();
            return exit;
        } catch (UsageException | IllegalArgumentException e) {
            // IllegalArgumentException: the Email builder's own check, which names the field
            err.println("mailer: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (MailException e) {
            err.println("mailer: " + e.getMessage());
            return e.isTransient() ? ExitCodes.TRANSIENT_FAILURE : ExitCodes.PERMANENT_FAILURE;
        } catch (ServiceWaiter.UnavailableException e) {
            err.println("mailer: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("mailer: interrupted");
            return ExitCodes.TRANSIENT_FAILURE;
        }
    }

    /** Runs the command; returns the exit code. */
    abstract int run(String[] args, PrintStream out, PrintStream err)
            throws UsageException, MailException, ServiceWaiter.UnavailableException, InterruptedException;
}
