package dev.mailer.api.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailer.api.Email;

class MailTemplatesTest {

    @TempDir
    Path folder;

    private void write(String name, String content) throws IOException {
        Files.writeString(folder.resolve(name), content, StandardCharsets.UTF_8);
    }

    private Email load(String name, Locale locale) throws IOException {
        return MailTemplates.load(TemplateSource.directory(folder), name, locale).render(Map.of()).to("j@example.com").build();
    }

    @Test
    void theMostSpecificLocaleThereIsWins() throws IOException {
        write("welcome.txt", "Subject: Welcome\n\nhello");
        write("welcome_de.txt", "Subject: Willkommen\n\nhallo");
        write("welcome_de_CH.txt", "Subject: Grüezi\n\nsali");

        assertEquals("Grüezi", load("welcome", new Locale("de", "CH")).getSubject());
        assertEquals("Willkommen", load("welcome", new Locale("de", "AT")).getSubject());
        assertEquals("Welcome", load("welcome", Locale.FRENCH).getSubject());
        assertEquals("Welcome", load("welcome", null).getSubject());
    }

    @Test
    void textAndHtmlOfTheSameLocaleMakeOneMailWithBoth() throws IOException {
        write("welcome_de.txt", "Subject: Willkommen\n\nhallo");
        write("welcome_de.html", "<p>hallo</p>");
        write("welcome.html", "<p>hello</p>");

        Email email = load("welcome", Locale.GERMANY);

        assertEquals("Willkommen", email.getSubject());
        assertEquals("hallo", email.getText());
        assertEquals("<p>hallo</p>", email.getHtml());
    }

    @Test
    void aNameWithAnExtensionLooksForThatKindOnly() throws IOException {
        write("welcome_de.txt", "hallo");
        write("welcome.html", "<p>hello</p>");

        Email email = load("welcome.html", Locale.GERMAN);

        assertEquals("<p>hello</p>", email.getHtml());
        assertNull(email.getText());
    }

    @Test
    void noTemplateNamesEverySourceLookedFor() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load("welcome", Locale.GERMAN));

        assertEquals("no template welcome for locale de in folder " + folder.toAbsolutePath().normalize()
                + ": looked for welcome_de.txt, welcome_de.html, welcome.txt, welcome.html", e.getMessage());
    }

    @Test
    void aNameLeavingTheFolderIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load("../secret", null));

        assertEquals("template name ../secret.txt leaves the template folder " + folder.toAbsolutePath().normalize(), e.getMessage());
    }
}
