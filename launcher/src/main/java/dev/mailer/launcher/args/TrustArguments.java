package dev.mailer.launcher.args;

import java.util.Set;

/** The options of {@code mailer trust}. */
public final class TrustArguments {

    private static final String SAVE = "--save";
    private static final String YES = "--yes";

    private final String save;
    private final boolean yes;
    private final boolean help;

    private TrustArguments(String save, boolean yes, boolean help) {
        this.save = save;
        this.yes = yes;
        this.help = help;
    }

    public static TrustArguments parse(String... args) throws UsageException {
        Options options = Options.parse(args, Set.of(SAVE), Set.of(YES));
        String save = options.single(SAVE);
        if (!options.isHelp() && (save == null || save.isBlank())) {
            throw new UsageException("trust needs --save FILE: where to write the issuing CA's certificate as PEM");
        }
        return new TrustArguments(save, options.has(YES), options.isHelp());
    }

    /** The PEM file to write. */
    public String getSave() {
        return save;
    }

    /** True with {@code --yes}: save without asking. */
    public boolean isYes() {
        return yes;
    }

    public boolean isHelp() {
        return help;
    }
}
