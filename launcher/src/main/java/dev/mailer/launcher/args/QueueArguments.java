package dev.mailer.launcher.args;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The arguments of {@code mailer queue}: {@code queue} (list), {@code queue retry ID},
 * {@code queue retry --all-dead} and {@code queue purge ID}. The action and the id are words; the
 * rest are options as for every command.
 */
public final class QueueArguments {

    /** What {@code queue} does. */
    public enum Action {
        LIST, RETRY, PURGE
    }

    private static final String ALL_DEAD = "--all-dead";
    private static final String FORMS = "queue, queue retry ID|" + ALL_DEAD + ", queue purge ID";

    private final Action action;
    private final String id;
    private final boolean allDead;
    private final boolean help;

    private QueueArguments(Action action, String id, boolean allDead, boolean help) {
        this.action = action;
        this.id = id;
        this.allDead = allDead;
        this.help = help;
    }

    public static QueueArguments parse(String... args) throws UsageException {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        Action action = isWord(rest) ? action(rest.remove(0)) : Action.LIST;
        String id = action != Action.LIST && isWord(rest) ? rest.remove(0) : null;
        Options options = Options.parse(rest.toArray(new String[0]), Set.of(),
                action == Action.RETRY ? Set.of(ALL_DEAD) : Set.of());
        boolean allDead = options.has(ALL_DEAD);
        if (!options.isHelp()) {
            if (action == Action.RETRY && (id == null) == !allDead) {
                throw new UsageException(id == null ? "queue retry needs the ID of a message (as `queue` lists it) or " + ALL_DEAD
                        : "queue retry takes an ID or " + ALL_DEAD + ", not both");
            }
            if (action == Action.PURGE && id == null) {
                throw new UsageException("queue purge needs the ID of a message (as `queue` lists it)");
            }
        }
        return new QueueArguments(action, id, allDead, options.isHelp());
    }

    private static boolean isWord(List<String> args) {
        return !args.isEmpty() && !args.get(0).startsWith("-");
    }

    private static Action action(String word) throws UsageException {
        switch (word) {
            case "list":
                return Action.LIST;
            case "retry":
                return Action.RETRY;
            case "purge":
                return Action.PURGE;
            default:
                throw new UsageException("unknown queue action: " + word + " (" + FORMS + ")");
        }
    }

    public Action getAction() {
        return action;
    }

    /** The message to retry or purge; null for the list and for {@code retry --all-dead}. */
    public String getId() {
        return id;
    }

    /** True with {@code retry --all-dead}: every dead letter. */
    public boolean isAllDead() {
        return allDead;
    }

    public boolean isHelp() {
        return help;
    }
}
