package dev.mailer.launcher.args;

import java.util.Set;

/** The arguments of a command that takes no options but {@code --help} ({@code reencrypt}). */
public final class BareArguments {

    private final boolean help;

    private BareArguments(boolean help) {
        this.help = help;
    }

    public static BareArguments parse(String... args) throws UsageException {
        return new BareArguments(Options.parse(args, Set.of(), Set.of()).isHelp());
    }

    public boolean isHelp() {
        return help;
    }
}
