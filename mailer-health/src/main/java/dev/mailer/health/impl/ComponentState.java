package dev.mailer.health.impl;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/** Where one of our components stands, as Declarative Services reports it. Immutable. */
final class ComponentState {

    enum Kind {
        /** No bundle declares it (not installed, or not started). */
        MISSING,
        DISABLED,
        /** It requires a configuration and has none. */
        NO_CONFIGURATION,
        /** A mandatory reference has no service. */
        UNSATISFIED,
        /** Its activation threw (DS 1.5). */
        FAILED,
        /** Satisfied: active, or ready to be. */
        ACTIVE
    }

    final Kind kind;
    /** The unsatisfied references, or the first line of the activation failure; empty otherwise. */
    final String detail;
    /** The properties it runs with. They may hold secrets: read single values, never show them. */
    final Map<String, Object> properties;

    private ComponentState(Kind kind, String detail, Map<String, Object> properties) {
        this.kind = kind;
        this.detail = detail;
        this.properties = properties == null ? Map.of() : properties;
    }

    /** The state of component {@code name}, of whichever bundle declares it. */
    static ComponentState of(ServiceComponentRuntime scr, String name) {
        Optional<ComponentDescriptionDTO> description = scr.getComponentDescriptionDTOs().stream()
                .filter(d -> name.equals(d.name)).findFirst();
        if (description.isEmpty()) {
            return new ComponentState(Kind.MISSING, "", null);
        }
        if (!scr.isComponentEnabled(description.get())) {
            return new ComponentState(Kind.DISABLED, "", null);
        }
        return scr.getComponentConfigurationDTOs(description.get()).stream().findFirst()
                .map(ComponentState::of)
                .orElseGet(() -> new ComponentState(Kind.NO_CONFIGURATION, "", null));
    }

    private static ComponentState of(ComponentConfigurationDTO configuration) {
        switch (configuration.state) {
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION:
                return new ComponentState(Kind.NO_CONFIGURATION, "", null);
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE:
                return new ComponentState(Kind.UNSATISFIED, Arrays.stream(configuration.unsatisfiedReferences)
                        .map(r -> service(configuration.description, r)).collect(Collectors.joining(", ")), configuration.properties);
            case ComponentConfigurationDTO.FAILED_ACTIVATION:
                // a DS 1.5 state: the failure field (1.5 too) is only read where the runtime has it
                return new ComponentState(Kind.FAILED, firstLine(configuration.failure), configuration.properties);
            default:
                return new ComponentState(Kind.ACTIVE, "", configuration.properties);
        }
    }

    /** The interface an unsatisfied reference asks for (its name may be DS's {@code $000} for a constructor parameter). */
    private static String service(ComponentDescriptionDTO description, UnsatisfiedReferenceDTO reference) {
        String service = description == null || description.references == null ? reference.name
                : Arrays.stream(description.references).filter(r -> r.name.equals(reference.name))
                        .map(r -> r.interfaceName).findFirst().orElse(reference.name);
        return reference.target == null ? service : service + " " + reference.target;
    }

    /** The exception line of a failure text that may go on with a stack trace. */
    private static String firstLine(String failure) {
        return failure == null ? "" : failure.strip().lines().findFirst().orElse("");
    }
}
