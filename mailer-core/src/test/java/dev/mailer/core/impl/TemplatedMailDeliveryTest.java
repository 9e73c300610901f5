package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import dev.mailer.api.Attachment;
import dev.mailer.api.InlineImage;
import dev.mailer.api.template.MailTemplate;
import dev.mailer.api.template.MailTemplates;
import dev.mailer.api.template.RecipientResult;
import dev.mailer.api.template.TemplateSource;
import dev.mailer.api.template.TemplatedMail;
import jakarta.mail.BodyPart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;

/** A template rendered and sent through the service, as received by a real SMTP server (GreenMail) on loopback. */
class TemplatedMailDeliveryTest {

    private static final byte[] LOGO = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xFF};

    @TempDir
    Path templates;

    private GreenMail server;

    @AfterEach
    void stopServer() {
        server.stop();
    }

    private DefaultMailService service() {
        server = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
        server.start();
        return new DefaultMailService(Map.of("smtp.host", "127.0.0.1", "smtp.port", server.getSmtp().getPort(),
                "from.address", "Workflow <workflow@example.com>", "smtp.starttls", false, "smtp.requiretls", false));
    }

    @Test
    void aGermanTemplateWithTextHtmlInlineLogoAndAttachmentArrivesAsOneMailPerRecipient() throws Exception {
        DefaultMailService service = service();
        Files.writeString(templates.resolve("review_de.txt"), "Subject: Bitte prüfen: ${title}\nCc: ${manager}\n\nHallo ${name}, bitte ${title} prüfen.");
        Files.writeString(templates.resolve("review_de.html"), "<img src=\"cid:logo\"><p>Hallo ${name}, bitte <b>${title}</b> prüfen.</p>");
        Files.writeString(templates.resolve("review.txt"), "Subject: Please review ${title}\n\nHello ${name}");
        MailTemplate template = MailTemplates.load(TemplateSource.directory(templates), "review", Locale.forLanguageTag("de-CH"))
                .withInlineImage(new InlineImage("logo", "image/png", LOGO))
                .withAttachment(new Attachment("Regeln.pdf", "application/pdf", new byte[] {'%', 'P'}));

        List<RecipientResult> results = TemplatedMail.of(template,
                Map.of("title", "Seite <Über uns>", "name", "Jürgen", "manager", "Max Muster <max@example.com>"))
                .sendEach(service, List.of("juergen@example.com", "anna@example.com"));

        assertTrue(results.stream().allMatch(r -> r.getStatus() == RecipientResult.Status.SENT), results.toString());
        // two mails, each to its recipient and the template's Cc
        assertEquals(4, server.getReceivedMessages().length);
        MimeMessage message = server.getReceivedMessagesForDomain("example.com")[0];
        assertEquals("Bitte prüfen: Seite <Über uns>", message.getSubject());
        assertEquals("juergen@example.com", message.getHeader("To")[0]);
        assertEquals("Max Muster <max@example.com>", MimeUtility.decodeText(message.getHeader("Cc")[0]));

        MimeMultipart mixed = (MimeMultipart) message.getContent();
        assertTrue(mixed.getContentType().startsWith("multipart/mixed"), mixed.getContentType());
        MimeMultipart alternative = (MimeMultipart) mixed.getBodyPart(0).getContent();
        assertTrue(alternative.getContentType().startsWith("multipart/alternative"), alternative.getContentType());
        assertEquals("Hallo Jürgen, bitte Seite <Über uns> prüfen.", alternative.getBodyPart(0).getContent());
        MimeMultipart related = (MimeMultipart) alternative.getBodyPart(1).getContent();
        assertTrue(related.getContentType().startsWith("multipart/related"), related.getContentType());
        assertEquals("<img src=\"cid:logo\"><p>Hallo Jürgen, bitte <b>Seite &lt;Über uns&gt;</b> prüfen.</p>",
                related.getBodyPart(0).getContent());
        BodyPart logo = related.getBodyPart(1);
        assertEquals("<logo>", logo.getHeader("Content-ID")[0]);
        assertEquals(Part.INLINE, logo.getDisposition());
        assertTrue(logo.getContentType().startsWith("image/png"), logo.getContentType());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        logo.getDataHandler().writeTo(bytes);
        assertEquals(java.util.Arrays.toString(LOGO), java.util.Arrays.toString(bytes.toByteArray()));
        assertEquals("Regeln.pdf", mixed.getBodyPart(1).getFileName());
    }
}
