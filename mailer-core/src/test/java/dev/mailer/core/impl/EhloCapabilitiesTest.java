package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class EhloCapabilitiesTest {

    private static EhloCapabilities ehlo(String... lines) {
        return EhloCapabilities.of(new SmtpProbe.Reply(250, List.of(lines)));
    }

    @Test
    void theKeywordLinesFollowTheGreetingLineWithoutCodeAndSeparator() {
        EhloCapabilities offered = ehlo("250-smtp.example.com Hello [127.0.0.1]", "250-SIZE 35882577", "250-STARTTLS",
                "250 AUTH PLAIN LOGIN");

        assertEquals(List.of("SIZE 35882577", "STARTTLS", "AUTH PLAIN LOGIN"), offered.lines());
    }

    @Test
    void aReplyOfOneLineOffersNothing() {
        EhloCapabilities offered = ehlo("250 smtp.example.com");

        assertEquals(List.of(), offered.lines());
        assertFalse(offered.offers("STARTTLS"));
        assertNull(offered.authMechanisms());
    }

    @Test
    void keywordsMatchInAnyCaseButOnlyAsTheWholeFirstWord() {
        EhloCapabilities offered = ehlo("250-example.com", "250-starttls", "250-SIZE 10485760", "250 STARTTLSX");

        assertTrue(offered.offers("STARTTLS"));
        assertTrue(offered.offers("size"));
        assertFalse(offered.offers("SIZE 10485760"));
        assertFalse(offered.offers("PIPELINING"));
        assertFalse(ehlo("250-example.com", "250 STARTTLSX").offers("STARTTLS"));
    }

    @Test
    void authMechanismsMergeEveryAuthLineAndTheOldEqualsFormInUpperCase() {
        EhloCapabilities offered = ehlo("250-example.com", "250-AUTH login plain", "250-AUTH=LOGIN XOAUTH2", "250 SIZE 1");

        assertEquals("LOGIN PLAIN XOAUTH2", offered.authMechanisms());
    }

    @Test
    void aLineThatOnlyStartsWithAuthIsNoAuthLine() {
        assertNull(ehlo("250-example.com", "250 AUTHX PLAIN").authMechanisms());
        assertNull(ehlo("250-example.com", "250 AUTH").authMechanisms());
    }

    @Test
    void aPasswordLogsInWithPlainBeforeLoginAndWithNeitherWithoutThem() {
        assertEquals("PLAIN", EhloCapabilities.passwordMechanism("LOGIN PLAIN"));
        assertEquals("LOGIN", EhloCapabilities.passwordMechanism("xoauth2 login"));
        assertNull(EhloCapabilities.passwordMechanism("XOAUTH2 CRAM-MD5"));
        assertNull(EhloCapabilities.passwordMechanism(null));
    }
}
