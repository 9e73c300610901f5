package dev.mailer.launcher.args;

import java.util.Set;

/** The options of {@code mailer serve}: none but {@code --help}; everything else comes from the environment. */
public final class ServeArguments {

    private final boolean help;

    private ServeArguments(boolean help) {
        this.help = help;
    }

    public static ServeArguments parse(String... args) throws UsageException {
        return new ServeArguments(Options.parse(args, Set.of(), Set.of()).isHelp());
    }

    public boolean isHelp() {
        return help;
    }
}
