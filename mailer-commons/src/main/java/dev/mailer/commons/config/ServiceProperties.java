package dev.mailer.commons.config;

import java.util.Hashtable;
import java.util.Locale;
import java.util.Map;

/**
 * The service properties a component may publish: its configuration without secrets. Declarative
 * Services copies every configuration property (except those starting with a dot) into the
 * service registration, where any bundle can read them; AEM's property names ({@code smtp.password})
 * cannot start with a dot, so components that hold secrets register their service themselves,
 * with these properties.
 */
public final class ServiceProperties {

    private ServiceProperties() {
    }

    /**
     * @return a copy of {@code properties} without private ({@code .name}) properties and without any
     *         whose name says it is a secret (password, secret, credential, ...token)
     */
    public static Hashtable<String, Object> withoutSecrets(Map<String, ?> properties) {
        Hashtable<String, Object> result = new Hashtable<>();
        for (Map.Entry<String, ?> entry : properties.entrySet()) {
            if (entry.getValue() != null && !entry.getKey().startsWith(".") && !isSecret(entry.getKey())) {
                result.put(entry.getKey(), entry.getValue());
            }
        }
        return result;
    }

    static boolean isSecret(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("password") || n.contains("secret") || n.contains("credential") || n.endsWith("token");
    }
}
