package dev.mailer.api.template;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds a template by name and locale: for {@code welcome} and {@code de_CH} it looks for
 * {@code welcome_de_CH}, then {@code welcome_de}, then {@code welcome}, and takes the first of these
 * that has a {@code .txt} or an {@code .html} source (both, when both are there: the mail then has a
 * text and an HTML body). A name with an extension ({@code welcome.html}) looks for that kind only.
 */
public final class MailTemplates {

    private static final List<String> KINDS = List.of(".txt", ".html");

    private MailTemplates() {
    }

    /**
     * @param locale the recipient's locale; null or {@link Locale#ROOT} for the template without a suffix
     * @throws IllegalArgumentException naming every source looked for, when none is there
     * @throws IOException when a source is there but cannot be read
     */
    public static MailTemplate load(TemplateSource source, String name, Locale locale) throws IOException {
        String base = name;
        List<String> kinds = KINDS;
        for (String kind : List.of(".txt", ".html", ".htm")) {
            if (name.toLowerCase(Locale.ROOT).endsWith(kind)) {
                base = name.substring(0, name.length() - kind.length());
                kinds = List.of(name.substring(base.length()));
            }
        }
        List<String> tried = new ArrayList<>();
        for (String candidate : candidates(base, locale)) {
            List<MailTemplate> found = new ArrayList<>();
            for (String kind : kinds) {
                tried.add(candidate + kind);
                InputStream in = source.open(candidate + kind);
                if (in != null) {
                    found.add(MailTemplate.read(candidate + kind, in));
                }
            }
            if (found.size() == 2) {
                return MailTemplate.alternative(found.get(0), found.get(1));
            }
            if (found.size() == 1) {
                return found.get(0);
            }
        }
        throw new IllegalArgumentException("no template " + name + " for locale " + (locale == null ? "(none)" : locale)
                + " in " + source + ": looked for " + String.join(", ", tried));
    }

    /** {@code base_de_CH_variant}, {@code base_de_CH}, {@code base_de}, {@code base}: most specific first. */
    static List<String> candidates(String base, Locale locale) {
        List<String> names = new ArrayList<>();
        if (locale != null) {
            String language = locale.getLanguage();
            String country = locale.getCountry();
            String variant = locale.getVariant();
            if (!language.isEmpty() && !country.isEmpty() && !variant.isEmpty()) {
                names.add(base + "_" + language + "_" + country + "_" + variant);
            }
            if (!language.isEmpty() && !country.isEmpty()) {
                names.add(base + "_" + language + "_" + country);
            }
            if (!language.isEmpty()) {
                names.add(base + "_" + language);
            }
        }
        names.add(base);
        return names;
    }
}
