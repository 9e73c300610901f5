package dev.mailer.aem.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.util.ByteArrayDataSource;

import org.apache.commons.mail.EmailAttachment;
import org.apache.commons.mail.HtmlEmail;
import org.apache.commons.mail.SimpleEmail;
import org.junit.jupiter.api.Test;

import com.day.cq.mailer.MailingException;

import dev.mailer.api.testing.RecordingMailService;
import dev.mailer.api.MailException;

/** The gateway with a recording mail service: the MIME and envelope it hands over. */
class CommonsEmailGatewayTest {

    private static CommonsEmailGateway gateway(RecordingMailService service, boolean queued) {
        return new CommonsEmailGateway(service, new CommonsEmailGateway.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return CommonsEmailGateway.Config.class;
            }

            @Override
            public boolean queued() {
                return queued;
            }
        });
    }

    private static HtmlEmail htmlEmail() throws Exception {
        HtmlEmail email = new HtmlEmail();
        email.setCharset("UTF-8");
        email.addTo("jane@example.com", "Jane");
        email.addCc("cc@example.com");
        email.addBcc("audit@example.com");
        email.setSubject("Prüfung: Seite „Über uns“");
        email.setTextMsg("Bitte prüfen.");
        email.setHtmlMsg("<p>Bitte <b>prüfen</b>.</p>");
        email.attach(new ByteArrayDataSource(new byte[] {'%', 'P', 'D', 'F'}, "application/pdf"), "Bericht.pdf", "report",
                EmailAttachment.ATTACHMENT);
        return email;
    }

    @Test
    void anHtmlEmailWithoutFromIsHandedOverAsMimeWithItsEnvelopeAndWithoutFromOrBccHeaders() throws Exception {
        RecordingMailService service = new RecordingMailService();

        gateway(service, false).send(htmlEmail());

        assertEquals(List.of("send"), service.calls());
        assertEquals(List.of("jane@example.com", "cc@example.com", "audit@example.com"), service.mimeMails().get(0).getRecipients());
        assertNull(service.mimeMails().get(0).getEnvelopeFrom(), "MAIL FROM: the mail service's from.address");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        service.mimeMails().get(0).writeTo(out);
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(out.toByteArray()));
        assertEquals("Prüfung: Seite „Über uns“", message.getSubject());
        assertNull(message.getHeader("From"), "the mail service puts its from.address in");
        assertNull(message.getHeader("Bcc"));
        assertTrue(message.getMessageID() != null, "Message-ID set when written");
        MimeMultipart mixed = (MimeMultipart) message.getContent();
        assertEquals(2, mixed.getCount(), "the text/HTML part and the attachment");
        assertEquals("Bericht.pdf", mixed.getBodyPart(1).getFileName());
    }

    @Test
    void withQueuedTheMessageGoesToTheOutboxAndABounceAddressIsTheEnvelopeSender() throws Exception {
        RecordingMailService service = new RecordingMailService();
        SimpleEmail email = new SimpleEmail();
        email.setFrom("workflow@example.com");
        email.setBounceAddress("bounces@example.com");
        email.addTo("jane@example.com");
        email.setSubject("s");
        email.setMsg("text");

        gateway(service, true).send(email);

        assertEquals(List.of("enqueue"), service.calls());
        assertEquals("bounces@example.com", service.mimeMails().get(0).getEnvelopeFrom());
    }

    @Test
    void aFailedSendIsAMailingExceptionWithOurMessageAndCause() throws Exception {
        MailException refused = MailException.permanentFailure("554 5.2.252 SendAsDenied; workflow@example.com not allowed to send as x")
                .replyCode(554).diagnosis("Grant the mailbox Send As rights, or send as the mailbox itself (from.address).").build();
        RecordingMailService service = new RecordingMailService().failWith(refused);

        MailingException e = assertThrows(MailingException.class, () -> gateway(service, false).send(htmlEmail()));

        assertEquals(refused.getMessage(), e.getMessage());
        assertSame(refused, e.getCause());
    }

    @Test
    void anEmailWithoutRecipientIsRefusedSayingWhatItNeeds() {
        RecordingMailService service = new RecordingMailService();
        SimpleEmail email = new SimpleEmail();

        MailingException e = assertThrows(MailingException.class, () -> gateway(service, false).send(email));

        assertTrue(e.getMessage().startsWith("The Commons Email message cannot be built: "), e.getMessage());
        assertTrue(e.getMessage().contains("it needs at least one To, Cc or Bcc"), e.getMessage());
        assertEquals(List.of(), service.calls());
    }

    @Test
    void handlesCommonsEmailAndItsSubclassesOnly() {
        CommonsEmailGateway gateway = gateway(new RecordingMailService(), false);

        assertTrue(gateway.handles(HtmlEmail.class));
        assertTrue(gateway.handles(org.apache.commons.mail.Email.class));
        assertFalse(gateway.handles(null));
    }
}
