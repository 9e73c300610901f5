package dev.mailer.it;

import static org.hamcrest.CoreMatchers.is;
import static org.hamcrest.CoreMatchers.nullValue;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.mailer.api.Email;
import dev.mailer.api.MailService;
import dev.mailer.api.SendResult;
import dev.mailer.it.mail.ReceivedMail;
import dev.mailer.it.mail.ReceivedMail.MailPart;
import dev.mailer.it.support.MailConfig;
import dev.mailer.testsupport.smtp.TestSmtpServer;
import dev.mailer.testsupport.smtp.TestSmtpServer.ReceivedMessage;

/**
 * What arrives is what was sent: envelope, headers, bodies and attachments, byte for byte, through a
 * STARTTLS server that keeps the raw message (so nothing is re-encoded on the way to the assertions).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MimeContentIT extends MailerTestSupport {

    private static final String FROM = "Mailer IT <mailer-it@example.org>";

    private TestSmtpServer server;
    private MailService mail;

    @Before
    public void startServer() throws Exception {
        server = TestSmtpServer.builder().startTls(pki().trustedServerContext()).credentials(USER, password()).start();
        mail = configure(MailConfig.server(server.port()).startTls().truststore(pki()).login(USER, password()));
    }

    @After
    public void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    public void plainTextMailArrivesIntactWithEnvelopeForToCcAndBcc() throws Exception {
        String text = "Hello Jane,\n\n.this line starts with a dot and must survive dot-stuffing\n..and this one with two\n\nBye";
        Email email = Email.builder()
                .to("jane@example.com", "John Doe <john@example.com>")
                .cc("carl@example.com")
                .bcc("audit@example.com")
                .replyTo("noreply@example.com")
                .header("X-Workflow-Id", "wf-42")
                .subject("Review request #42")
                .text(text)
                .build();

        SendResult result = send(mail, email);

        ReceivedMessage received = server.awaitMessages(1, deadline()).get(0);
        assertEquals("mailer-it@example.org", received.mailFrom());
        assertEquals(List.of("jane@example.com", "john@example.com", "carl@example.com", "audit@example.com"), received.recipients());
        ReceivedMail parsed = ReceivedMail.parse(received.mailFrom(), received.recipients(), received.data());
        assertEquals("Review request #42", parsed.subject());
        assertEquals(List.of(FROM), parsed.from());
        assertEquals(List.of("jane@example.com", "John Doe <john@example.com>"), parsed.to());
        assertEquals(List.of("carl@example.com"), parsed.cc());
        assertThat("Bcc must stay out of the headers", parsed.bccHeader(), is(nullValue()));
        assertEquals("noreply@example.com", parsed.header("Reply-To"));
        assertEquals("wf-42", parsed.header("X-Workflow-Id"));
        assertEquals("text/plain", parsed.structure());
        // SMTP ends the DATA of a body without a final line break with one: that CRLF is the protocol's
        assertEquals(text + "\n", normalize(parsed.text()));
        assertEquals(result.getMessageId(), parsed.messageId());
        assertTrue("server reply " + result.getServerReply(), result.getServerReply().startsWith("250"));
    }

    @Test
    public void htmlAndTextWithAttachmentAndNonAsciiSubjectAndBodyArriveIntact() throws Exception {
        String subject = "Prüfbericht März – 検査報告書 ✓";
        String text = "Grüße aus Köln, Straße № 5.\n日本語のテキスト：こんにちは。\nEmoji: \uD83D\uDCE7";
        String html = "<html><body><h1>Prüfbericht</h1><p>Grüße – 日本語 \uD83D\uDCE7</p></body></html>";
        byte[] pdf = new byte[4096];
        for (int i = 0; i < pdf.length; i++) {
            pdf[i] = (byte) (i * 31 + (i >> 8)); // every byte value, including CR, LF, NUL and '.'
        }
        byte[] csv = "name;city\nJürgen;Köln\n.dot;line\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Email email = Email.builder()
                .to("Jürgen Müller <juergen@example.com>")
                .cc("山田太郎 <yamada@example.jp>")
                .bcc("audit@example.com")
                .subject(subject)
                .text(text)
                .html(html)
                .attach("Bericht-März.pdf", "application/pdf", pdf)
                .attach("daten.csv", "text/csv", csv)
                .build();

        send(mail, email);

        ReceivedMessage received = server.awaitMessages(1, deadline()).get(0);
        assertEquals(List.of("juergen@example.com", "yamada@example.jp", "audit@example.com"), received.recipients());
        ReceivedMail parsed = ReceivedMail.parse(received.mailFrom(), received.recipients(), received.data());
        assertEquals(subject, parsed.subject());
        assertEquals(List.of("Jürgen Müller <juergen@example.com>"), parsed.to());
        assertEquals(List.of("山田太郎 <yamada@example.jp>"), parsed.cc());
        assertThat(parsed.bccHeader(), is(nullValue()));
        assertEquals("multipart/mixed[multipart/alternative[text/plain,text/html],application/pdf,text/csv]", parsed.structure());
        assertEquals(text, normalize(parsed.text()));
        assertEquals(html, normalize(parsed.html()));

        List<MailPart> attachments = parsed.attachments();
        assertEquals(2, attachments.size());
        assertEquals("Bericht-März.pdf", attachments.get(0).fileName());
        assertArrayEquals("PDF bytes", pdf, attachments.get(0).bytes());
        assertEquals("daten.csv", attachments.get(1).fileName());
        assertArrayEquals("CSV bytes", normalize(csv), normalize(attachments.get(1).bytes()));
        // the header section itself is 7-bit clean: the non-ASCII text is all RFC 2047 / MIME encoded
        String headers = parsed.rawText().substring(0, parsed.rawText().indexOf("\r\n\r\n"));
        assertTrue("headers are ASCII:\n" + headers, headers.chars().allMatch(c -> c < 128));
    }

    /** Line ends as the sender wrote them: SMTP carries text with CRLF. */
    private static String normalize(String text) {
        return text == null ? null : text.replace("\r\n", "\n");
    }

    private static byte[] normalize(byte[] text) {
        return normalize(new String(text, java.nio.charset.StandardCharsets.UTF_8)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
