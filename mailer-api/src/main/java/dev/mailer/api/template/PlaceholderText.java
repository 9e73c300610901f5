package dev.mailer.api.template;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A text with {@code ${name}} placeholders, parsed once: literal runs and names, rendered many times.
 * {@code $${} writes a literal {@code ${}. A name is letters, digits, '_', '.' and '-'.
 */
final class PlaceholderText {

    /** Looks up a placeholder's value; never returns null (the caller decides what missing means). */
    @FunctionalInterface
    interface Values {
        String valueOf(String name);
    }

    private final String source;
    private final List<String> literals;
    private final List<String> names;

    private PlaceholderText(String source, List<String> literals, List<String> names) {
        this.source = source;
        this.literals = literals;
        this.names = names;
    }

    /**
     * @param where names the text in errors, e.g. {@code template welcome.txt, Subject}
     * @throws IllegalArgumentException naming {@code where} when a {@code ${} is not closed or names nothing
     */
    static PlaceholderText parse(String where, String text) {
        List<String> literals = new ArrayList<>();
        List<String> names = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                literal.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                String name = end < 0 ? null : text.substring(i + 2, end);
                if (name == null || !isName(name)) {
                    throw new IllegalArgumentException(where + ": the placeholder at \"" + excerpt(text, i)
                            + "\" is not ${name} (a name is letters, digits, '_', '.' or '-', closed by '}');"
                            + " write $${ for a literal ${");
                }
                literals.add(literal.toString());
                literal.setLength(0);
                names.add(name);
                i = end + 1;
            } else {
                literal.append(text.charAt(i++));
            }
        }
        literals.add(literal.toString());
        return new PlaceholderText(text, List.copyOf(literals), List.copyOf(names));
    }

    /** The text as written, placeholders and all. */
    String source() {
        return source;
    }

    /** The placeholder names, each once, in the order they first appear. */
    Set<String> names() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(names));
    }

    /** The text with every placeholder replaced by {@code escape} applied to its value. */
    String render(Values values, UnaryOperator<String> escape) {
        StringBuilder out = new StringBuilder(literals.get(0));
        for (int i = 0; i < names.size(); i++) {
            out.append(escape.apply(values.valueOf(names.get(i)))).append(literals.get(i + 1));
        }
        return out.toString();
    }

    private static boolean isName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static String excerpt(String text, int from) {
        int end = Math.min(text.length(), from + 24);
        int lineEnd = text.indexOf('\n', from);
        return text.substring(from, lineEnd >= 0 && lineEnd < end ? lineEnd : end);
    }
}
