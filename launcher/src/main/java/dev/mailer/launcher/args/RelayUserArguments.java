package dev.mailer.launcher.args;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The arguments of {@code mailer relay-user NAME}: the user's name, which becomes the part before the
 * colon of its line in the secret relay_users. The password comes from stdin, never from here.
 */
public final class RelayUserArguments {

    /** What a device can type as its SMTP login: no colon (the line's separator), no space, no control character. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9@._+-]{1,64}");

    private final boolean help;
    private final String name;

    private RelayUserArguments(boolean help, String name) {
        this.help = help;
        this.name = name;
    }

    public static RelayUserArguments parse(String... args) throws UsageException {
        if (args.length == 1 && List.of("--help", "-h").contains(args[0])) {
            return new RelayUserArguments(true, null);
        }
        if (args.length != 1) {
            throw new UsageException("relay-user takes the user's name, and reads its password from stdin: e.g."
                    + " java -jar mailer.jar relay-user scanner >> secrets/relay_users");
        }
        if (!NAME.matcher(args[0]).matches()) {
            throw new UsageException("relay-user: a user name is 1 to 64 letters, digits or @ . _ + -");
        }
        return new RelayUserArguments(false, args[0]);
    }

    public boolean isHelp() {
        return help;
    }

    public String name() {
        return name;
    }
}
