package dev.mailer.karaf;

import java.util.Arrays;
import java.util.stream.Collectors;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;

/**
 * What a failure message shows of the Karaf under test (inside Karaf): our bundles and their states, the configurations,
 * and the state of each of our components with what it lacks.
 */
final class Diagnosis {

    private Diagnosis() {
    }

    static String of(BundleContext context) {
        StringBuilder text = new StringBuilder("bundles:");
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getSymbolicName() != null && bundle.getSymbolicName().startsWith("dev.mailer") || bundle.getState() != Bundle.ACTIVE
                    && bundle.getHeaders().get("Fragment-Host") == null) {
                text.append(' ').append(bundle.getSymbolicName()).append('=').append(bundle.getState());
            }
        }
        ServiceReference<ConfigurationAdmin> cm = context.getServiceReference(ConfigurationAdmin.class);
        if (cm != null) {
            try {
                Configuration[] configurations = context.getService(cm).listConfigurations("(service.pid=dev.mailer.*)");
                text.append("; configurations: ").append(configurations == null ? "none"
                        : Arrays.stream(configurations).map(Configuration::getPid).collect(Collectors.joining(", ")));
            } catch (Exception e) {
                text.append("; configurations: ").append(e);
            }
        }
        ServiceReference<ServiceComponentRuntime> scr = context.getServiceReference(ServiceComponentRuntime.class);
        if (scr != null) {
            ServiceComponentRuntime runtime = context.getService(scr);
            runtime.getComponentDescriptionDTOs().stream().filter(d -> d.name.startsWith("dev.mailer")).forEach(d -> {
                text.append("; component ").append(d.name).append(": ");
                for (ComponentConfigurationDTO c : runtime.getComponentConfigurationDTOs(d)) {
                    text.append("state ").append(c.state).append(" unsatisfied ")
                            .append(Arrays.stream(c.unsatisfiedReferences).map(r -> r.name).collect(Collectors.toList()));
                }
            });
        }
        return text.toString();
    }
}
