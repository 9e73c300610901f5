package dev.mailer.commons.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.mailer.api.MailService;
import dev.mailer.commons.text.Printable;

/**
 * The name of one of several mail services (and of its OAuth2 token provider) in one container:
 * {@value MailService#SERVICE_NAME} when configured, else the NAME of the factory configuration
 * {@code PID~NAME}; none for the plain configuration, the default service. The two components of a
 * name find each other by it, and keep their files apart by it. Immutable.
 */
public final class ServiceName {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final ServiceName DEFAULT = new ServiceName(null);

    private final String name;

    private ServiceName(String name) {
        this.name = name;
    }

    /** Of a component's configuration properties ({@code service.pid} is one of them). */
    public static ServiceName of(Map<String, ?> properties) {
        Object configured = properties.get(MailService.SERVICE_NAME);
        if (configured != null && !String.valueOf(configured).isBlank()) {
            return new ServiceName(String.valueOf(configured).strip());
        }
        Object pid = properties.get("service.pid");
        int tilde = pid == null ? -1 : String.valueOf(pid).indexOf('~');
        return tilde < 0 ? DEFAULT : new ServiceName(String.valueOf(pid).substring(tilde + 1));
    }

    /** Of a component's configuration, as {@link #of(Map)}; a name that is not one is recorded in {@code reader} as a problem. */
    public static ServiceName read(Map<String, ?> properties, ConfigReader reader) {
        ServiceName name = of(properties);
        String problem = name.problem();
        if (problem != null) {
            reader.problem(MailService.SERVICE_NAME, problem);
        }
        return name;
    }

    /** The name; empty for the default service. */
    public Optional<String> get() {
        return Optional.ofNullable(name);
    }

    /** What is wrong with the name, for the configuration's problems; null when nothing is. */
    public String problem() {
        if (name == null || VALID.matcher(name).matches()) {
            return null;
        }
        return "\"" + Printable.of(name) + "\" is not a service name: use up to 64 letters, digits, '.', '_' or '-',"
                + " starting with a letter or digit (it names files in the bundle data area)";
    }

    /**
     * A file or folder of this service in a bundle data area: {@code base} for the default service,
     * else the name inserted before the extension ({@code outbox-bulk}, {@code refresh-token-bulk.properties}).
     */
    public String dataName(String base) {
        if (name == null) {
            return base;
        }
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        int dot = base.indexOf('.');
        return dot < 0 ? base + "-" + safe : base.substring(0, dot) + "-" + safe + base.substring(dot);
    }

    /** {@code properties} with {@value MailService#SERVICE_NAME} set, for the service registration. */
    public Map<String, Object> publishedWith(Map<String, ?> properties) {
        Map<String, Object> published = new HashMap<>(properties);
        if (name != null) {
            published.put(MailService.SERVICE_NAME, name);
        }
        return published;
    }

    /** True when a service with these properties has this name (the default: none). */
    public boolean matches(Map<String, ?> serviceProperties) {
        Object other = serviceProperties.get(MailService.SERVICE_NAME);
        return name == null ? other == null : name.equals(other == null ? null : String.valueOf(other));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ServiceName && Objects.equals(name, ((ServiceName) other).name);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(name);
    }

    @Override
    public String toString() {
        return name == null ? "(default)" : name;
    }
}
