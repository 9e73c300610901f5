package dev.mailer.launcher.args;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The options of {@code mailer send}, parsed and checked. Plain Java on purpose: the launcher's
 * Main uses it to report usage errors before it boots the framework, and the CLI bundle parses the
 * same arguments again to build the {@code Email}.
 *
 * <p>Options take their value as the next argument or after {@code =} ({@code --to=a@example.com}).
 * With {@code --queue} the message goes through the durable outbox, and {@code --wait} bounds how
 * long the command waits for its delivery.
 */
public final class SendArguments {

    /** How long {@code send --queue} waits for the delivery when {@code --wait} is not given. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    private static final String QUEUE = "--queue";
    private static final String WAIT = "--wait";

    private final List<String> to;
    private final String subject;
    private final String text;
    private final Path textFile;
    private final Path htmlFile;
    private final String from;
    private final List<Path> attachments;
    private final boolean queue;
    private final Duration wait;
    private final boolean help;

    private SendArguments(Parser p, boolean queue, Duration wait) {
        this.to = List.copyOf(p.to);
        this.subject = p.subject;
        this.text = p.text;
        this.textFile = p.textFile;
        this.htmlFile = p.htmlFile;
        this.from = p.from;
        this.attachments = List.copyOf(p.attachments);
        this.queue = queue;
        this.wait = wait;
        this.help = p.help;
    }

    /**
     * Parses the arguments that follow {@code send}.
     *
     * @throws UsageException naming the option, for unknown options, missing values or files that cannot be read
     */
    public static SendArguments parse(String... args) throws UsageException {
        Set<String> valued = new LinkedHashSet<>(Parser.OPTIONS);
        valued.add(WAIT);
        Options options = Options.parse(args, valued, Set.of(QUEUE));
        Parser p = new Parser();
        p.help = options.isHelp();
        for (String name : Parser.OPTIONS) {
            for (String value : options.all(name)) {
                p.set(name, value);
            }
        }
        if (!p.help) {
            p.check();
        }
        boolean queue = options.has(QUEUE);
        Duration wait = options.seconds(WAIT, true);
        if (wait != null && !queue) {
            throw new UsageException(WAIT + " goes with " + QUEUE + "; without it, send waits for the server's reply");
        }
        return new SendArguments(p, queue, wait == null ? DEFAULT_WAIT : wait);
    }

    /** Splits {@code a@x, "Doe, Jane" <j@y>} at the commas outside quotes and angle brackets. */
    static List<String> splitAddresses(String value) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        int angle = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && quoted && i + 1 < value.length()) {
                current.append(c).append(value.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '<') {
                angle++;
            } else if (!quoted && c == '>' && angle > 0) {
                angle--;
            } else if (!quoted && angle == 0 && c == ',') {
                parts.add(current.toString().strip());
                current.setLength(0);
                continue;
            }
            current.append(c);
        }
        parts.add(current.toString().strip());
        return parts;
    }

    /** True when {@code --help} was given: print {@link Usage#TEXT}, nothing else was checked. */
    public boolean isHelp() {
        return help;
    }

    public List<String> getTo() {
        return to;
    }

    public String getSubject() {
        return subject;
    }

    /** The text given with {@code --text}, or null. */
    public String getText() {
        return text;
    }

    /** The file given with {@code --text-file}, or null. */
    public Path getTextFile() {
        return textFile;
    }

    /** The file given with {@code --html-file}, or null. */
    public Path getHtmlFile() {
        return htmlFile;
    }

    /** The sender given with {@code --from}, or null. */
    public String getFrom() {
        return from;
    }

    public List<Path> getAttachments() {
        return attachments;
    }

    /** True with {@code --queue}: enqueue durably into the outbox instead of sending at once. */
    public boolean isQueue() {
        return queue;
    }

    /** With {@code --queue}: how long to wait for the delivery before leaving the message queued (0: not at all). */
    public Duration getWait() {
        return wait;
    }

    private static final class Parser {
        // ordered, so that checks run in the order of this list
        static final Set<String> OPTIONS = new LinkedHashSet<>(List.of("--to", "--subject", "--text", "--text-file", "--html-file", "--from", "--attach"));

        final List<String> to = new ArrayList<>();
        String subject;
        String text;
        Path textFile;
        Path htmlFile;
        String from;
        final List<Path> attachments = new ArrayList<>();
        boolean help;

        void set(String name, String value) throws UsageException {
            switch (name) {
                case "--to":
                    for (String address : splitAddresses(value)) {
                        if (address.isEmpty()) {
                            throw new UsageException("--to has an empty address in: " + value);
                        }
                        to.add(address);
                    }
                    break;
                case "--subject":
                    subject = once(name, subject, value);
                    break;
                case "--text":
                    text = once(name, text, value);
                    break;
                case "--text-file":
                    textFile = once(name, textFile, readable(name, value));
                    break;
                case "--html-file":
                    htmlFile = once(name, htmlFile, readable(name, value));
                    break;
                case "--from":
                    from = once(name, from, value);
                    break;
                case "--attach":
                    attachments.add(readable(name, value));
                    break;
                default:
                    throw new UsageException("unknown option: " + name);
            }
        }

        void check() throws UsageException {
            if (to.isEmpty()) {
                throw new UsageException("missing --to: who should receive the message?");
            }
            if (subject == null) {
                throw new UsageException("missing --subject (an empty one is fine: --subject \"\")");
            }
            if (text != null && textFile != null) {
                throw new UsageException("use either --text or --text-file, not both");
            }
            if (text == null && textFile == null) {
                throw new UsageException("missing body: give --text or --text-file");
            }
        }

        private static <T> T once(String name, T current, T value) throws UsageException {
            if (current != null) {
                throw new UsageException(name + " given twice");
            }
            return value;
        }

        private static Path readable(String name, String value) throws UsageException {
            Path path = Path.of(value);
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw new UsageException(name + ": cannot read file " + path.toAbsolutePath()
                        + (Files.exists(path) ? "" : " (no such file)"));
            }
            return path;
        }
    }
}
