package dev.mailer.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.mailer.api.MailService;
import dev.mailer.api.template.MailTemplate;
import dev.mailer.api.template.MailTemplates;
import dev.mailer.api.template.RecipientResult;
import dev.mailer.api.template.TemplateSource;
import dev.mailer.api.template.TemplatedMail;
import dev.mailer.it.support.MailConfig;
import dev.mailer.testsupport.smtp.TestSmtpServer;
import dev.mailer.testsupport.smtp.TestSmtpServer.ReceivedMessage;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

/**
 * Templates in real Felix: a German template pair found by locale fallback among this (probe)
 * bundle's entries under {@code /templates}, queued for two recipients and delivered to a real SMTP
 * server, one mail each, with the values escaped in the HTML part.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TemplatesIT extends MailerTestSupport {

    @Test
    public void aTemplateFromABundleIsQueuedForEachRecipientAndArrivesRendered() throws Exception {
        TestSmtpServer smtp = closeAfterTest(TestSmtpServer.builder().withoutTls().credentials(USER, password()).start());
        MailService mail = configure(MailConfig.server(smtp.port()).plainRelay().login(USER, password()));
        MailTemplate template = MailTemplates.load(TemplateSource.bundle(context.getBundle(), "/templates"), "approval",
                Locale.forLanguageTag("de-AT"));

        List<RecipientResult> results = TemplatedMail.of(template, Map.of("title", "Preise & <Konditionen>", "owner", "owner@example.com"))
                .enqueueEach(mail, List.of("jane@example.com", "joe@example.com"));

        assertEquals(results.toString(), 2, results.stream().filter(r -> r.getStatus() == RecipientResult.Status.QUEUED).count());
        List<String> recipients = new ArrayList<>();
        for (ReceivedMessage received : smtp.awaitMessages(2, deadline())) {
            recipients.addAll(received.recipients());
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(received.data()));
            assertEquals("Freigabe: Preise & <Konditionen>", message.getSubject());
            assertEquals("owner@example.com", message.getHeader("Reply-To")[0]);
            // parsed here, not through getContent(): the probe's context class loader sees no mailcap (and no
            // jakarta.mail type in a method signature: JUnit reflects on this class outside Felix too)
            MimeMultipart alternative = new MimeMultipart(message.getDataHandler().getDataSource());
            assertTrue(alternative.getContentType().startsWith("multipart/alternative"));
            assertEquals("Hallo,\nPreise & <Konditionen> wartet auf Ihre Freigabe.\n", new String(alternative.getBodyPart(0).getInputStream().readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n"));
            String html = new String(alternative.getBodyPart(1).getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(html, html.contains("<b>Preise &amp; &lt;Konditionen&gt;</b>"));
        }
        assertEquals("one mail each", List.of("jane@example.com", "joe@example.com"), recipients.stream().sorted().collect(java.util.stream.Collectors.toList()));
    }

}
