package dev.mailer.health.impl;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;
import org.osgi.util.promise.Promise;

/** A DS runtime that reports the components a test declares, as Felix SCR reports them. */
final class FakeScr implements ServiceComponentRuntime {

    private final List<ComponentDescriptionDTO> descriptions = new ArrayList<>();
    private final Map<String, List<ComponentConfigurationDTO>> configurations = new HashMap<>();
    private final List<String> disabled = new ArrayList<>();

    /** Component {@code name} in state {@code state} (a ComponentConfigurationDTO constant), running with {@code properties}. */
    ComponentConfigurationDTO declare(String name, int state, Map<String, Object> properties) {
        ComponentDescriptionDTO description = description(name);
        ComponentConfigurationDTO configuration = new ComponentConfigurationDTO();
        configuration.description = description;
        configuration.state = state;
        configuration.properties = properties;
        configuration.unsatisfiedReferences = new UnsatisfiedReferenceDTO[0];
        configurations.get(name).add(configuration);
        return configuration;
    }

    /** Component {@code name} with no configuration object at all (what some runtimes report for a missing required one). */
    void declareWithoutConfiguration(String name) {
        description(name);
    }

    /** Component {@code name}, unsatisfied: its reference {@code $000} to {@code service} has no target. */
    void declareUnsatisfied(String name, String service) {
        ComponentConfigurationDTO configuration = declare(name, ComponentConfigurationDTO.UNSATISFIED_REFERENCE, Map.of());
        ReferenceDTO reference = new ReferenceDTO();
        reference.name = "$000";
        reference.interfaceName = service;
        configuration.description.references = new ReferenceDTO[] {reference};
        UnsatisfiedReferenceDTO unsatisfied = new UnsatisfiedReferenceDTO();
        unsatisfied.name = "$000";
        configuration.unsatisfiedReferences = new UnsatisfiedReferenceDTO[] {unsatisfied};
    }

    void disable(String name) {
        description(name);
        disabled.add(name);
    }

    private ComponentDescriptionDTO description(String name) {
        ComponentDescriptionDTO description = new ComponentDescriptionDTO();
        description.name = name;
        description.references = new ReferenceDTO[0];
        descriptions.add(description);
        configurations.put(name, new ArrayList<>());
        return description;
    }

    @Override
    public Collection<ComponentDescriptionDTO> getComponentDescriptionDTOs(Bundle... bundles) {
        return List.copyOf(descriptions);
    }

    @Override
    public ComponentDescriptionDTO getComponentDescriptionDTO(Bundle bundle, String name) {
        return descriptions.stream().filter(d -> d.name.equals(name)).findFirst().orElse(null);
    }

    @Override
    public Collection<ComponentConfigurationDTO> getComponentConfigurationDTOs(ComponentDescriptionDTO description) {
        return List.copyOf(configurations.get(description.name));
    }

    @Override
    public boolean isComponentEnabled(ComponentDescriptionDTO description) {
        return !disabled.contains(description.name);
    }

    @Override
    public Promise<Void> enableComponent(ComponentDescriptionDTO description) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Promise<Void> disableComponent(ComponentDescriptionDTO description) {
        throw new UnsupportedOperationException();
    }
}
