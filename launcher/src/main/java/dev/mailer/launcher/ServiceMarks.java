package dev.mailer.launcher;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;

/**
 * For the {@link Timeline}: marks when the services a command waits for are registered the first
 * time (by class name: the launcher sees none of their classes).
 */
final class ServiceMarks {

    private static final Set<String> SERVICES = Set.of("org.osgi.service.cm.ConfigurationAdmin",
            "org.apache.sling.commons.crypto.CryptoService", "dev.mailer.api.MailService");

    private ServiceMarks() {
    }

    static void register(BundleContext context, Timeline timeline) {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        StringBuilder filter = new StringBuilder("(|");
        SERVICES.forEach(name -> filter.append('(').append(Constants.OBJECTCLASS).append('=').append(name).append(')'));
        try {
            context.addServiceListener(event -> {
                if (event.getType() != ServiceEvent.REGISTERED) {
                    return;
                }
                for (String name : (String[]) event.getServiceReference().getProperty(Constants.OBJECTCLASS)) {
                    if (SERVICES.contains(name) && seen.add(name)) {
                        timeline.mark(name.substring(name.lastIndexOf('.') + 1) + " registered");
                    }
                }
            }, filter.append(')').toString());
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("filter of fixed names", e);
        }
    }
}
