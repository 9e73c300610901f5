package dev.mailer.it.aem;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.util.ByteArrayDataSource;

import org.apache.commons.mail.EmailAttachment;
import org.apache.commons.mail.HtmlEmail;
import org.osgi.framework.BundleContext;

import com.day.cq.mailer.MessageGateway;
import com.day.cq.mailer.MessageGatewayService;

import dev.mailer.it.support.Services;

/**
 * What AEM workflow code does with Commons Email and javax.mail, and how AEM would read the result.
 * Inside Felix only: the test JVM has none of these types, and a test class naming them in its own
 * methods could not even be verified there.
 */
public final class AemMails {

    static final byte[] PDF = {'%', 'P', 'D', 'F', 0, (byte) 0xFF};

    private AemMails() {
    }

    /** Sends an HtmlEmail (text, HTML, a PDF, a non-ASCII subject; no From) through AEM's MessageGatewayService. */
    public static void sendHtmlEmail(BundleContext context, Duration deadline) throws Exception {
        MessageGatewayService gateways = context.getService(Services.await(context, MessageGatewayService.class,
                "(service.ranking=1000)", deadline, () -> "the mailer's MessageGatewayService"));
        HtmlEmail email = new HtmlEmail();
        email.setCharset("UTF-8");
        email.addTo("jane@example.com");
        email.addBcc("audit@example.com");
        email.setSubject("Freigabe: „Über uns“ ✓");
        email.setTextMsg("Bitte prüfen.");
        email.setHtmlMsg("<p>Bitte <b>prüfen</b>.</p>");
        email.attach(new ByteArrayDataSource(PDF, "application/pdf"), "Bericht.pdf", "report", EmailAttachment.ATTACHMENT);
        MessageGateway<HtmlEmail> gateway = gateways.getGateway(HtmlEmail.class);
        assertNotNull("a gateway for HtmlEmail", gateway);
        gateway.send(email);
    }

    /** Parses what the server received with javax.mail, as AEM would (no mailcap lookups from the probe's class loader). */
    public static void assertIntact(byte[] data, String from) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(data));
        assertEquals("Freigabe: „Über uns“ ✓", message.getSubject());
        assertEquals("the mail service's from.address", from, message.getFrom()[0].toString());
        assertNull("Bcc only in the envelope", message.getHeader("Bcc"));
        MimeMultipart mixed = new MimeMultipart(message.getDataHandler().getDataSource());
        assertEquals(2, mixed.getCount());
        MimeMultipart alternative = new MimeMultipart(mixed.getBodyPart(0).getDataHandler().getDataSource());
        assertEquals("Bitte prüfen.", new String(alternative.getBodyPart(0).getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals("<p>Bitte <b>prüfen</b>.</p>", new String(alternative.getBodyPart(1).getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals("Bericht.pdf", mixed.getBodyPart(1).getFileName());
        assertEquals(Arrays.toString(PDF), Arrays.toString(mixed.getBodyPart(1).getInputStream().readAllBytes()));
    }
}
