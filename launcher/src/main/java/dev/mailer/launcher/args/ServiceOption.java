package dev.mailer.launcher.args;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code --service NAME}, which every command takes: it works with the mail service (and token
 * provider) of that name, the factory configurations {@code ...DefaultMailService~NAME} and
 * {@code ...OAuthConfigurationProviderImpl~NAME}, instead of the plain ones. Taken off the
 * arguments before the command parses the rest; handed to the commands in the framework as
 * {@link #PROPERTY}.
 */
public final class ServiceOption {

    /** The framework property the commands read the name from (absent: the plain, unnamed service). */
    public static final String PROPERTY = "mailer.launcher.service";

    private static final String OPTION = "--service";
    /** What a mail service's name may be (mail.service.name, the NAME of PID~NAME). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final String name;
    private final String[] rest;

    private ServiceOption(String name, String[] rest) {
        this.name = name;
        this.rest = rest;
    }

    /** @throws UsageException for a missing or malformed name, or the option given twice */
    public static ServiceOption take(String[] args) throws UsageException {
        String name = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value;
            if (arg.equals(OPTION)) {
                if (i + 1 >= args.length) {
                    throw new UsageException(OPTION + " needs a value: the name of the mail service (mail.service.name)");
                }
                value = args[++i];
            } else if (arg.startsWith(OPTION + "=")) {
                value = arg.substring(OPTION.length() + 1);
            } else {
                rest.add(arg);
                continue;
            }
            if (name != null) {
                throw new UsageException(OPTION + " is given twice");
            }
            if (!NAME.matcher(value).matches()) {
                throw new UsageException(OPTION + " " + value + ": a service name is up to 64 letters, digits, '.', '_' or '-'");
            }
            name = value;
        }
        return new ServiceOption(name, rest.toArray(new String[0]));
    }

    /** The name, or null for the plain service. */
    public String name() {
        return name;
    }

    /** The arguments without {@code --service}. */
    public String[] rest() {
        return rest.clone();
    }
}
