package dev.mailer.launcher.args;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of one command, parsed against the names it knows: {@code --name value},
 * {@code --name=value} and flags ({@code --print}); {@code --help}/{@code -h} everywhere. Values
 * keep their order; each command's arguments class gives them meaning.
 */
final class Options {

    private final Map<String, List<String>> values;
    private final Set<String> flags;
    private final boolean help;

    private Options(Map<String, List<String>> values, Set<String> flags, boolean help) {
        this.values = values;
        this.flags = flags;
        this.help = help;
    }

    /**
     * @param valued the options that take a value
     * @param flags  the options that take none
     * @throws UsageException naming the option, for unknown options, a missing value, a flag given a value or a stray word
     */
    static Options parse(String[] args, Set<String> valued, Set<String> flags) throws UsageException {
        Map<String, List<String>> values = new LinkedHashMap<>();
        Set<String> given = new java.util.LinkedHashSet<>();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument: " + arg + " (values follow their option, e.g. --option " + arg + ")");
            }
            int eq = arg.indexOf('=');
            String name = eq > 0 ? arg.substring(0, eq) : arg;
            if (flags.contains(name)) {
                if (eq > 0) {
                    throw new UsageException(name + " takes no value");
                }
                given.add(name);
                continue;
            }
            if (!valued.contains(name)) {
                throw new UsageException("unknown option: " + name);
            }
            String value;
            if (eq > 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException(name + " needs a value");
            }
            values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return new Options(values, given, help);
    }

    boolean isHelp() {
        return help;
    }

    boolean has(String flag) {
        return flags.contains(flag);
    }

    /** Every value of a repeatable option, in order. */
    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** The value of an option that may be given once, or null. */
    String single(String name) throws UsageException {
        List<String> given = all(name);
        if (given.size() > 1) {
            throw new UsageException(name + " given twice");
        }
        return given.isEmpty() ? null : given.get(0);
    }

    /**
     * The value of an option given once in whole seconds, or null.
     *
     * @param zeroAllowed whether 0 is a valid value (e.g. "do not wait")
     */
    Duration seconds(String name, boolean zeroAllowed) throws UsageException {
        String value = single(name);
        if (value == null) {
            return null;
        }
        long seconds;
        try {
            seconds = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 0 || seconds == 0 && !zeroAllowed) {
            throw new UsageException(name + " " + value + " is not a " + (zeroAllowed ? "number of seconds (0 or more)"
                    : "positive number of seconds"));
        }
        return Duration.ofSeconds(seconds);
    }
}
