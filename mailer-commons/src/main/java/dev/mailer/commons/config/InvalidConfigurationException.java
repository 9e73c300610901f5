package dev.mailer.commons.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A configuration is unusable; the message lists every problem, each as {@code property: what to do}. */
public final class InvalidConfigurationException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;
    private final String firstProperty;

    InvalidConfigurationException(String pid, List<String[]> problems) {
        super(describe(pid, problems));
        List<String> texts = new ArrayList<>();
        for (String[] p : problems) {
            texts.add(p[0] + ": " + p[1]);
        }
        this.problems = Collections.unmodifiableList(texts);
        this.firstProperty = problems.get(0)[0];
    }

    /** A single problem found outside a {@link ConfigReader}, e.g. while loading a file a property names. */
    public static InvalidConfigurationException of(String pid, String property, String text) {
        return new InvalidConfigurationException(pid, List.<String[]>of(new String[] {property, text}));
    }

    /** Each problem as {@code property: text}. */
    public List<String> problems() {
        return problems;
    }

    /** The property of the first problem. */
    public String firstProperty() {
        return firstProperty;
    }

    private static String describe(String pid, List<String[]> problems) {
        StringBuilder text = new StringBuilder("The configuration of " + pid + " is invalid: ");
        for (int i = 0; i < problems.size(); i++) {
            text.append(i == 0 ? "" : "; ").append(problems.get(i)[0]).append(": ").append(problems.get(i)[1]);
        }
        return text.append('.').toString();
    }
}
