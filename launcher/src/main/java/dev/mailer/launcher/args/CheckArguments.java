package dev.mailer.launcher.args;

import java.util.Set;

/** The options of {@code mailer check}. */
public final class CheckArguments {

    private final String sendTo;
    private final boolean help;

    private CheckArguments(String sendTo, boolean help) {
        this.sendTo = sendTo;
        this.help = help;
    }

    public static CheckArguments parse(String... args) throws UsageException {
        Options options = Options.parse(args, Set.of("--send-to"), Set.of());
        String sendTo = options.single("--send-to");
        if (sendTo != null && sendTo.isBlank()) {
            throw new UsageException("--send-to needs an address");
        }
        return new CheckArguments(sendTo, options.isHelp());
    }

    /** The recipient of a test message, or null: send nothing. */
    public String getSendTo() {
        return sendTo;
    }

    public boolean isHelp() {
        return help;
    }
}
