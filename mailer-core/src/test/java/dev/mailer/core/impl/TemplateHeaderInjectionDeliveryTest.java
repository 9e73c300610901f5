package dev.mailer.core.impl;

import static dev.mailer.core.impl.OutboxTestSupport.config;
import static dev.mailer.core.impl.OutboxTestSupport.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.mailer.api.template.MailTemplate;
import dev.mailer.api.template.RecipientResult;
import dev.mailer.api.template.TemplatedMail;
import dev.mailer.testsupport.smtp.TestSmtpServer;
import dev.mailer.testsupport.smtp.TestSmtpServer.ReceivedMessage;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeUtility;

/**
 * Template values with CR/LF and a header line of their own ({@code Bcc:}) in Subject and Reply-To,
 * rendered and sent through the service: what a real SMTP server on loopback receives has one line per
 * header field, no field the values brought, and no recipient but the one asked for.
 */
class TemplateHeaderInjectionDeliveryTest {

    private static final MailTemplate TEMPLATE = MailTemplate.parse("review.txt",
            "Subject: Review ${title}\nReply-To: \"${replyName}\" <reply@example.com>\n\nPlease review ${title}.");

    @Test
    void lineBreaksInSubjectAndReplyToValuesArriveAsOneLineWithoutAnInjectedHeaderOrRecipient() throws Exception {
        try (TestSmtpServer smtp = server().start()) {
            DefaultMailService service = new DefaultMailService(config(smtp.port()));

            List<RecipientResult> results = TemplatedMail.of(TEMPLATE, Map.of(
                    "title", "Q3\r\nBcc: spy@evil.example\r\nX-Injected: yes",
                    "replyName", "Jane\nBcc: spy2@evil.example"))
                    .sendEach(service, List.of("jane@example.com"));

            assertEquals(RecipientResult.Status.SENT, results.get(0).getStatus(), results.toString());
            ReceivedMessage received = smtp.messages().get(0);
            assertEquals(1, smtp.messages().size());
            assertEquals(List.of("jane@example.com"), received.recipients(), "the envelope has the one recipient, no Bcc");
            List<String> headers = headerFields(received);
            assertEquals(List.of("Review Q3 Bcc: spy@evil.example X-Injected: yes"), values(headers, "Subject"),
                    "one Subject, its text on one line: " + headers);
            List<String> replyTo = values(headers, "Reply-To");
            assertEquals(1, replyTo.size(), headers.toString());
            InternetAddress[] replyAddresses = InternetAddress.parseHeader(MimeUtility.unfold(replyTo.get(0)), true);
            assertEquals(1, replyAddresses.length, replyTo.toString());
            assertEquals("reply@example.com", replyAddresses[0].getAddress());
            assertEquals("Jane Bcc: spy2@evil.example", replyAddresses[0].getPersonal());
            List<String> names = headers.stream().map(TemplateHeaderInjectionDeliveryTest::name).collect(Collectors.toList());
            assertEquals(List.of("content-transfer-encoding", "content-type", "date", "from", "message-id", "mime-version", "reply-to",
                    "subject", "to"), names.stream().sorted().collect(Collectors.toList()),
                    "each field once, none of the values' (Bcc, X-Injected): " + headers);
            service.deactivate();
        }
    }

    @Test
    void anInjectedLineInAReplyToAddressIsRefusedAndNothingIsSent() throws Exception {
        MailTemplate addressOnly = MailTemplate.parse("notice.txt", "Subject: Notice\nReply-To: ${reply}\n\nbody");
        try (TestSmtpServer smtp = server().start()) {
            DefaultMailService service = new DefaultMailService(config(smtp.port()));

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TemplatedMail.of(addressOnly,
                    Map.of("reply", "reply@example.com\r\nBcc: spy@evil.example")).sendEach(service, List.of("jane@example.com")));

            assertTrue(e.getMessage().startsWith("template notice.txt, Reply-To \"reply@example.com Bcc: spy@evil.example\""),
                    e.getMessage());
            assertEquals(0, smtp.count("MAIL"), "nothing was sent: " + smtp.verbs());
            service.deactivate();
        }
    }

    /** The header fields of the message as received, each unfolded to one line. */
    private static List<String> headerFields(ReceivedMessage message) {
        String data = new String(message.data(), StandardCharsets.UTF_8);
        List<String> fields = new ArrayList<>();
        for (String line : data.substring(0, data.indexOf("\r\n\r\n")).split("\r\n")) {
            if (line.startsWith(" ") || line.startsWith("\t")) {
                int last = fields.size() - 1;
                fields.set(last, fields.get(last) + line);
            } else {
                fields.add(line);
            }
        }
        return fields;
    }

    private static String name(String field) {
        return field.substring(0, field.indexOf(':')).toLowerCase(Locale.ROOT);
    }

    private static List<String> values(List<String> fields, String name) {
        return fields.stream().filter(f -> name(f).equals(name.toLowerCase(Locale.ROOT)))
                .map(f -> f.substring(f.indexOf(':') + 1).strip()).collect(Collectors.toList());
    }
}
