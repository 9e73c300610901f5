package dev.mailer.commons.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;

import dev.mailer.commons.text.Printable;

/**
 * Reads typed values from raw OSGi configuration properties, collecting every problem instead of
 * failing on the first, so that one activation reports all of them, each naming its property.
 *
 * <p>Values may arrive typed ({@code "smtp.port:Integer": 587}, or a placeholder with
 * {@code type=Integer}) or as text; both are accepted. Empty text means "not set". A Felix
 * interpolation placeholder that is still in a value ({@code $[env:SMTP_FROM]} with no such
 * variable and no default) is reported with what to set.
 */
public final class ConfigReader {

    /** A placeholder the interpolation plugin left in place, e.g. {@code $[env:SMTP_HOST]}. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\[(env|secret|prop|conf):([^;\\]]*)[^\\]]*\\]");

    private final Map<String, ?> properties;
    private final List<String[]> problems = new ArrayList<>();

    public ConfigReader(Map<String, ?> properties) {
        this.properties = properties;
    }

    /** Records a problem with a property. */
    public void problem(String property, String text) {
        problems.add(new String[] {property, text});
    }

    /** Every problem recorded so far, each as {@code property: text}. */
    public List<String> problems() {
        List<String> texts = new ArrayList<>();
        for (String[] p : problems) {
            texts.add(p[0] + ": " + p[1]);
        }
        return texts;
    }

    /** True when a problem with {@code property} was recorded (so a rule that depends on it need not add another). */
    public boolean hasProblem(String property) {
        for (String[] p : problems) {
            if (p[0].equals(property)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param pid names the configuration in the message
     * @throws InvalidConfigurationException when any problem was recorded
     */
    public void throwIfInvalid(String pid) throws InvalidConfigurationException {
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(pid, problems);
        }
    }

    /** Whether the property is there at all, even empty: an empty value may mean "off" where absence means the default. */
    public boolean isPresent(String property) {
        return properties.containsKey(property);
    }

    /** The value as trimmed text; null when absent, empty or an unresolved placeholder (reported). */
    public String string(String property) {
        Object value = properties.get(property);
        if (value instanceof String[]) {
            String[] values = (String[]) value;
            value = values.length == 0 ? null : values[0];
        }
        return value == null ? null : text(property, value.toString());
    }

    /** Like {@link #string(String)}, and reports a missing value. */
    public String requiredString(String property) {
        int before = problems.size();
        String s = string(property);
        if (s == null && problems.size() == before) {
            problem(property, "is required but not set");
        }
        return s;
    }

    /** Every non-empty value of a multi-value property (String[], a collection, or one text). */
    public List<String> strings(String property) {
        Object value = properties.get(property);
        List<String> result = new ArrayList<>();
        if (value instanceof String[]) {
            for (String s : (String[]) value) {
                addText(property, s, result);
            }
        } else if (value instanceof Iterable) {
            for (Object o : (Iterable<?>) value) {
                addText(property, o == null ? null : o.toString(), result);
            }
        } else if (value != null) {
            addText(property, value.toString(), result);
        }
        return result;
    }

    public int integer(String property, int defaultValue, int min, int max) {
        Object raw = properties.get(property);
        long value;
        if (raw instanceof Number) {
            value = ((Number) raw).longValue();
        } else {
            String s = string(property);
            if (s == null) {
                return defaultValue;
            }
            try {
                value = Long.parseLong(s);
            } catch (NumberFormatException e) {
                problem(property, Printable.quoted(s) + " is not a whole number");
                return defaultValue;
            }
        }
        if (value < min || value > max) {
            problem(property, value + " is out of range " + min + ".." + max);
            return defaultValue;
        }
        return (int) value;
    }

    /**
     * An ISO-8601 duration ({@code PT30S}, {@code PT1M}, {@code P3D}) of at least {@code min};
     * {@code defaultValue} when not set.
     */
    public Duration duration(String property, Duration defaultValue, Duration min) {
        String s = string(property);
        if (s == null) {
            return defaultValue;
        }
        Duration value;
        try {
            value = Duration.parse(s);
        } catch (DateTimeParseException e) {
            problem(property, Printable.quoted(s) + " is not an ISO-8601 duration such as PT30S, PT10M or P3D");
            return defaultValue;
        }
        if (value.compareTo(min) < 0) {
            problem(property, s + " is shorter than the minimum " + min);
            return defaultValue;
        }
        return value;
    }

    /** A file path; null when not set or not a path on this system (reported, e.g. for a NUL character). */
    public Path path(String property) {
        return parsed(property, "a file path", Path::of);
    }

    /** An LDAP filter such as a reference's {@code NAME.target}; null when not set or not a filter (reported). */
    public Filter filter(String property) {
        return parsed(property, "an LDAP filter such as (mail.service.name=bulk)", FrameworkUtil::createFilter);
    }

    @FunctionalInterface
    private interface Parser<T> {
        T parse(String text) throws Exception;
    }

    /** What {@code parser} makes of the value; null when not set or when it fails (reported: not {@code expected}, and why). */
    private <T> T parsed(String property, String expected, Parser<T> parser) {
        String s = string(property);
        if (s == null) {
            return null;
        }
        try {
            return parser.parse(s);
        } catch (Exception e) {
            problem(property, Printable.quoted(s) + " is not " + expected + " (" + Printable.of(e.getMessage()) + ")");
            return null;
        }
    }

    public boolean bool(String property, boolean defaultValue) {
        Object raw = properties.get(property);
        if (raw instanceof Boolean) {
            return (Boolean) raw;
        }
        String s = string(property);
        if (s == null) {
            return defaultValue;
        }
        switch (s.toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                problem(property, Printable.quoted(s) + " is not true or false");
                return defaultValue;
        }
    }

    private void addText(String property, String value, List<String> target) {
        String s = value == null ? null : text(property, value);
        if (s != null) {
            target.add(s);
        }
    }

    private String text(String property, String value) {
        String s = value.strip();
        Matcher placeholder = PLACEHOLDER.matcher(s);
        if (placeholder.find()) {
            problem(property, unresolved(placeholder.group(), placeholder.group(1), placeholder.group(2)));
            return null;
        }
        return s.isEmpty() ? null : s;
    }

    private static String unresolved(String placeholder, String kind, String name) {
        switch (kind) {
            case "env":
                return "the placeholder " + placeholder + " is not resolved: set the environment variable " + name
                        + " (or give the placeholder a default: $[env:" + name + ";default=...])";
            case "secret":
                return "the placeholder " + placeholder + " is not resolved: create the file " + name
                        + " in the secrets directory (framework property org.apache.felix.configadmin.plugin.interpolation.secretsdir;"
                        + " MAILER_SECRETS_DIR for the launcher)";
            default:
                return "the placeholder " + placeholder + " is not resolved: define the property " + name
                        + " or give the placeholder a default";
        }
    }
}
