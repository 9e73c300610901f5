package dev.mailer.commons.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PrintableTest {

    @Test
    void controlCharactersBecomeQuestionMarksSoALineBreakCannotForgeALogLine() {
        assertEquals("'a??INFO forged?b'", Printable.quoted("a\r\nINFO forged\u0000b"));
    }

    @Test
    void longTextIsCutAfterEightyCharactersAndMarked() {
        assertEquals("x".repeat(80) + "...", Printable.of("x".repeat(100_000)));
        assertEquals("x".repeat(80), Printable.of("x".repeat(80)));
    }

    @Test
    void printableTextIsKeptAsItIs() {
        assertEquals("J\u00fcrgen <j@example.com> \ud83d\udce7", Printable.of("J\u00fcrgen <j@example.com> \ud83d\udce7"));
    }
}
