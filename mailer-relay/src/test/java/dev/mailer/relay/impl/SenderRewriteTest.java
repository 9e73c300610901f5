package dev.mailer.relay.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SenderRewriteTest {

    @Test
    void fromAndSenderGoTheDevicesFromBecomesTheReplyToAndTheBodyStaysAsSent() {
        String sent = "From: Scanner 3rd floor\r\n <scanner@printers.lan>\r\nSender: scan@printers.lan\r\nTo: jane@example.com\r\n"
                + "Subject: Scan\r\n\r\nFrom: not a header\r\n\u00e9\r\n";

        String out = new String(SenderRewrite.apply(sent.getBytes(StandardCharsets.ISO_8859_1)), StandardCharsets.ISO_8859_1);

        assertEquals("To: jane@example.com\r\nSubject: Scan\r\nReply-To: Scanner 3rd floor\r\n <scanner@printers.lan>\r\n"
                + "\r\nFrom: not a header\r\n\u00e9\r\n", out);
    }

    @Test
    void anExistingReplyToStays() {
        String sent = "From: scanner@printers.lan\nReply-To: helpdesk@example.com\nSubject: Scan\n\nbody\n";

        String out = new String(SenderRewrite.apply(sent.getBytes(StandardCharsets.ISO_8859_1)), StandardCharsets.ISO_8859_1);

        assertEquals("Reply-To: helpdesk@example.com\nSubject: Scan\n\nbody\n", out);
    }
}
