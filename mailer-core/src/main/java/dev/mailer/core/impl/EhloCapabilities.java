package dev.mailer.core.impl;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a server offers in its reply to EHLO: the keyword lines after the first (greeting) line,
 * e.g. {@code STARTTLS}, {@code AUTH PLAIN LOGIN}, {@code SIZE 35882577}. Read the way Angus reads
 * them, so that the connection check judges what sending will see. Immutable.
 */
final class EhloCapabilities {

    private final List<String> lines;

    private EhloCapabilities(List<String> lines) {
        this.lines = List.copyOf(lines);
    }

    /** The capabilities in a reply to EHLO. */
    static EhloCapabilities of(SmtpProbe.Reply ehlo) {
        List<String> texts = ehlo.texts();
        return new EhloCapabilities(texts.subList(Math.min(1, texts.size()), texts.size()));
    }

    /** The keyword lines as received, without code and separator, e.g. {@code AUTH PLAIN LOGIN}. */
    List<String> lines() {
        return lines;
    }

    /** Whether a line starts with {@code keyword} (e.g. {@code STARTTLS}), in any case. */
    boolean offers(String keyword) {
        return lines.stream().anyMatch(l -> l.split(" ", 2)[0].equalsIgnoreCase(keyword));
    }

    /**
     * The AUTH mechanisms, upper case and separated by a space, from every {@code AUTH x y} line and
     * the old {@code AUTH=x y} form, as Angus merges them; null when the server offers none.
     */
    String authMechanisms() {
        Set<String> mechanisms = new LinkedHashSet<>();
        for (String line : lines) {
            String upper = line.toUpperCase(Locale.ROOT);
            if (upper.startsWith("AUTH ") || upper.startsWith("AUTH=")) {
                for (String m : upper.substring(5).strip().split("\\s+")) {
                    if (!m.isEmpty()) {
                        mechanisms.add(m);
                    }
                }
            }
        }
        return mechanisms.isEmpty() ? null : String.join(" ", mechanisms);
    }

    /**
     * The mechanism Angus logs in with a password, among {@code mechanisms} (as {@link #authMechanisms()}
     * or Angus's {@code getExtensionParameter("AUTH")} give them): the first of PLAIN, LOGIN (its
     * configured order) offered; null when neither is.
     */
    static String passwordMechanism(String mechanisms) {
        if (mechanisms == null) {
            return null;
        }
        List<String> offered = Arrays.asList(mechanisms.toUpperCase(Locale.ROOT).split("\\s+"));
        return offered.contains("PLAIN") ? "PLAIN" : offered.contains("LOGIN") ? "LOGIN" : null;
    }
}
