package dev.mailer.launcher.args;

import java.util.List;

/** The launcher's commands, and the check of their arguments that runs before the framework starts. */
public final class Commands {

    public static final List<String> NAMES = List.of("send", "serve", "queue", "check", "trust", "token", "authorize", "encrypt", "reencrypt", "relay-user");

    private Commands() {
    }

    /**
     * Parses a command's arguments, so that a typo costs no framework start.
     *
     * @return true when {@code --help} was given
     * @throws UsageException for an unknown command or bad arguments, naming the option
     */
    public static boolean parseForHelp(String command, String[] args) throws UsageException {
        switch (command) {
            case "send":
                return SendArguments.parse(args).isHelp();
            case "serve":
                return ServeArguments.parse(args).isHelp();
            case "queue":
                return QueueArguments.parse(args).isHelp();
            case "check":
                return CheckArguments.parse(args).isHelp();
            case "trust":
                return TrustArguments.parse(args).isHelp();
            case "token":
                return TokenArguments.parse(args).isHelp();
            case "authorize":
                return AuthorizeArguments.parse(args).isHelp();
            case "encrypt":
                return EncryptArguments.parse(args).isHelp();
            case "reencrypt":
                return BareArguments.parse(args).isHelp();
            case "relay-user":
                return RelayUserArguments.parse(args).isHelp();
            default:
                throw new UsageException(command.startsWith("-") ? "unknown option: " + command : "unknown command: " + command
                        + " (commands: " + String.join(", ", NAMES) + ")");
        }
    }
}
