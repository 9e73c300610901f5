package dev.mailer.aem.impl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of the "Send mail (mailer)" step, from its PROCESS_ARGS, one {@code key=value} per
 * line or separated by commas:
 * <pre>
 * template=/conf/mailer/templates/review, to=initiator;reviewers@example.com, locale=de, service=bulk
 * </pre>
 * {@code to} lists addresses, user and group IDs, {@code initiator} and {@code participants}, separated
 * by {@code ;} ({@link StepRecipients} resolves them). Immutable.
 */
final class StepArguments {

    private static final Set<String> KEYS = Set.of("template", "to", "locale", "service");

    final String templatePath;
    final List<String> to;
    final Locale locale;
    /** The {@code mail.service.name} to send through, or null for the default mail service. */
    final String service;

    private StepArguments(String templatePath, List<String> to, Locale locale, String service) {
        this.templatePath = templatePath;
        this.to = List.copyOf(to);
        this.locale = locale;
        this.service = service;
    }

    /** @throws IllegalArgumentException naming the argument, for an unknown or missing one */
    static StepArguments parse(String processArgs) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : (processArgs == null ? "" : processArgs).split("[,\\n]")) {
            if (pair.isBlank()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair.strip() : pair.substring(0, equals).strip();
            if (equals < 0 || !KEYS.contains(key)) {
                throw new IllegalArgumentException("step argument \"" + pair.strip() + "\" is not one of template=, to=, locale=,"
                        + " service=; e.g. template=/conf/mailer/templates/review, to=initiator;reviewers@example.com");
            }
            values.put(key, pair.substring(equals + 1).strip());
        }
        String template = values.getOrDefault("template", "");
        if (!template.startsWith("/") || template.endsWith("/")) {
            throw new IllegalArgumentException("step argument template= must be the absolute path of a template without its"
                    + " extension and locale, e.g. template=/conf/mailer/templates/review (for review_de.txt, review.html, ...); was: "
                    + (template.isEmpty() ? "(not set)" : template));
        }
        List<String> to = new ArrayList<>();
        for (String recipient : values.getOrDefault("to", "").split(";")) {
            if (!recipient.isBlank()) {
                to.add(recipient.strip());
            }
        }
        if (to.isEmpty()) {
            throw new IllegalArgumentException("step argument to= lists no recipient; give addresses, user or group IDs,"
                    + " initiator and/or participants, separated by ';', e.g. to=participants;reviewers;jane@example.com");
        }
        String locale = values.get("locale");
        String service = values.get("service");
        return new StepArguments(template, to, locale == null || locale.isEmpty() ? null : Locale.forLanguageTag(locale.replace('_', '-')),
                service == null || service.isEmpty() ? null : service);
    }

    /** The folder of the template, e.g. {@code /conf/mailer/templates}. */
    String folder() {
        return templatePath.substring(0, templatePath.lastIndexOf('/'));
    }

    /** The template's name, e.g. {@code review}. */
    String name() {
        return templatePath.substring(templatePath.lastIndexOf('/') + 1);
    }
}
