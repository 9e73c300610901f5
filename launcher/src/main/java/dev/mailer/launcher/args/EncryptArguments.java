package dev.mailer.launcher.args;

import java.util.List;

/**
 * The arguments of {@code mailer encrypt}: none but {@code --help}. The value comes from stdin;
 * anything on the command line is refused without being repeated, as it may well be the secret
 * (which the shell history and the process list would keep).
 */
public final class EncryptArguments {

    private final boolean help;

    private EncryptArguments(boolean help) {
        this.help = help;
    }

    public static EncryptArguments parse(String... args) throws UsageException {
        if (args.length == 1 && List.of("--help", "-h").contains(args[0])) {
            return new EncryptArguments(true);
        }
        if (args.length > 0) {
            throw new UsageException("encrypt takes no arguments: it reads the value from stdin, never from the command line"
                    + " (which the shell history and the process list keep), e.g. printf %s 'the-secret' | java -jar mailer.jar"
                    + " encrypt");
        }
        return new EncryptArguments(false);
    }

    public boolean isHelp() {
        return help;
    }
}
