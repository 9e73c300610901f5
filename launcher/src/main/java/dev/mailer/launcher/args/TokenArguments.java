package dev.mailer.launcher.args;

import java.util.Set;

/** The options of {@code mailer token}. */
public final class TokenArguments {

    private final boolean print;
    private final boolean help;

    private TokenArguments(boolean print, boolean help) {
        this.print = print;
        this.help = help;
    }

    public static TokenArguments parse(String... args) throws UsageException {
        Options options = Options.parse(args, Set.of(), Set.of("--print"));
        return new TokenArguments(options.has("--print"), options.isHelp());
    }

    /** True with {@code --print}: the access token itself goes to stdout, and nothing else does. */
    public boolean isPrint() {
        return print;
    }

    public boolean isHelp() {
        return help;
    }
}
