package dev.mailer.launcher.cli;

import java.io.PrintStream;
import java.util.function.Function;

import org.osgi.service.component.annotations.Component;

import dev.mailer.launcher.args.ExitCodes;
import dev.mailer.launcher.args.RelayUserArguments;
import dev.mailer.launcher.args.Usage;
import dev.mailer.launcher.args.UsageException;
import dev.mailer.relay.PasswordHash;

/**
 * {@code mailer relay-user NAME}: reads the user's password from stdin and prints the user's line for
 * the secret relay_users ({@code NAME:pbkdf2-sha256:...}); the password itself is never printed.
 */
@Component(service = Function.class, property = { CliCommand.COMMAND_PROPERTY + "=relay-user", CliCommand.GOGO_SCOPE,
        "osgi.command.function=relayUser" })
public class RelayUserCommand extends CliCommand {

    /** Gogo: {@code mailer:relayUser NAME}. */
    public int relayUser(String... args) {
        return apply(args);
    }

    @Override
    int run(String[] args, PrintStream out, PrintStream err) throws UsageException {
        RelayUserArguments arguments = RelayUserArguments.parse(args);
        if (arguments.isHelp()) {
            out.println(Usage.TEXT);
            return ExitCodes.OK;
        }
        String password = SecretInput.read(System.console(), System.in, "Password of " + arguments.name() + " (not shown): ",
                "relay-user", "printf %s 'the-password' | java -jar mailer.jar relay-user " + arguments.name());
        out.println(arguments.name() + ":" + PasswordHash.create(password.toCharArray()));
        return ExitCodes.OK;
    }
}
