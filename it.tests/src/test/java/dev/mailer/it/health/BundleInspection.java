package dev.mailer.it.health;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogReaderService;

/**
 * What Declarative Services and the OSGi log say about a bundle: its components' states, and the
 * warnings and errors logged by it or about it. Runs inside Felix only (the DS runtime and log APIs
 * are not on the test JVM's class path).
 */
public final class BundleInspection {

    private BundleInspection() {
    }

    /** Each component of the bundle {@code symbolicName} with the state of its configuration ({@code NONE} without one). */
    public static Map<String, String> componentStates(BundleContext context, String symbolicName) {
        ServiceReference<ServiceComponentRuntime> ref = context.getServiceReference(ServiceComponentRuntime.class);
        ServiceComponentRuntime scr = context.getService(ref);
        try {
            Map<String, String> states = new TreeMap<>();
            for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle(context, symbolicName))) {
                String state = "NONE";
                for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                    state = state(configuration.state);
                }
                states.put(description.name, state);
            }
            return states;
        } finally {
            context.ungetService(ref);
        }
    }

    /** The warnings and errors in the OSGi log that bundle {@code symbolicName} logged, or whose text names {@code text}. */
    public static List<String> logProblems(BundleContext context, String symbolicName, String text) {
        ServiceReference<LogReaderService> ref = context.getServiceReference(LogReaderService.class);
        if (ref == null) {
            return List.of();
        }
        LogReaderService reader = context.getService(ref);
        try {
            List<String> problems = new ArrayList<>();
            for (LogEntry entry : Collections.list(reader.getLog())) {
                boolean problem = entry.getLogLevel() == LogLevel.WARN || entry.getLogLevel() == LogLevel.ERROR;
                boolean ours = symbolicName.equals(entry.getBundle().getSymbolicName()) || String.valueOf(entry.getMessage()).contains(text)
                        || entry.getException() != null && String.valueOf(entry.getException()).contains(text);
                if (problem && ours) {
                    problems.add(entry.getLogLevel() + " " + entry.getBundle().getSymbolicName() + ": " + entry.getMessage());
                }
            }
            return problems;
        } finally {
            context.ungetService(ref);
        }
    }

    private static Bundle bundle(BundleContext context, String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError(symbolicName + " is not installed");
    }

    private static String state(int state) {
        switch (state) {
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION:
                return "UNSATISFIED_CONFIGURATION";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE:
                return "UNSATISFIED_REFERENCE";
            case ComponentConfigurationDTO.SATISFIED:
                return "SATISFIED";
            case ComponentConfigurationDTO.ACTIVE:
                return "ACTIVE";
            case ComponentConfigurationDTO.FAILED_ACTIVATION:
                return "FAILED_ACTIVATION";
            default:
                return "state " + state;
        }
    }
}
