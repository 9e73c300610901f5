package dev.mailer.api.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.mailer.api.Email;
import dev.mailer.api.InlineImage;

class MailTemplateTest {

    private static final String REVIEW = "Subject: Please review ${title}\n"
            + "From: Workflow <workflow@example.com>\n"
            + "Cc: ${manager}, audit@example.com\n"
            + "\n"
            + "Hello ${name},\n"
            + "please review ${title}.\n";

    @Test
    void rendersHeadersAndTextBodyFromTheValues() {
        Email email = MailTemplate.parse("review.txt", REVIEW)
                .render(Map.of("title", "/content/page", "manager", "Max <max@example.com>", "name", "Jane"))
                .to("jane@example.com").build();

        assertEquals("Please review /content/page", email.getSubject());
        assertEquals("Workflow <workflow@example.com>", email.getFrom());
        assertEquals(List.of("Max <max@example.com>", "audit@example.com"), email.getCc());
        assertEquals("Hello Jane,\nplease review /content/page.\n", email.getText());
        assertNull(email.getHtml());
    }

    @Test
    void valuesAreHtmlEscapedInAnHtmlBodyButNotInTheTextBody() {
        Map<String, String> values = Map.of("name", "<script>alert('x')</script> & \"Co\"");
        MailTemplate html = MailTemplate.parse("hello.html", "<p title=\"${name}\">Hello ${name}</p>");
        MailTemplate text = MailTemplate.parse("hello.txt", "Hello ${name}");

        Email email = MailTemplate.alternative(text, html).render(values).to("jane@example.com").build();

        String escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Co&quot;";
        assertEquals("<p title=\"" + escaped + "\">Hello " + escaped + "</p>", email.getHtml());
        assertEquals("Hello <script>alert('x')</script> & \"Co\"", email.getText());
    }

    @Test
    void aValueWithLineBreaksCannotAddAHeader() {
        MailTemplate template = MailTemplate.parse("t.txt", "Subject: Review ${title}\n\nbody");

        Email email = template.render(Map.of("title", "x\r\nBcc: attacker@example.com\nX-Evil: 1")).to("jane@example.com").build();

        assertEquals("Review x Bcc: attacker@example.com X-Evil: 1", email.getSubject());
        assertEquals(List.of(), email.getBcc());
        assertTrue(email.getHeaders().isEmpty(), email.getHeaders().toString());
    }

    @Test
    void aValueCannotAddARecipientToAnAddressHeaderUnnoticed() {
        MailTemplate template = MailTemplate.parse("t.txt", "Cc: ${manager}\n\nbody");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> template.render(Map.of("manager", "max@example.com\r\nBcc: attacker@example.com")));

        assertTrue(e.getMessage().startsWith("template t.txt, Cc \"max@example.com Bcc: attacker@example.com\": "), e.getMessage());
    }

    @Test
    void aMissingValueFailsNamingThePlaceholderAndWhereItIs() {
        MailTemplate template = MailTemplate.parse("review.txt", REVIEW);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> template.render(Map.of("title", "/content/page", "manager", "max@example.com")));

        assertEquals("template review.txt: no value for ${name} in the text body; pass a value named name,"
                + " or render with MissingValues.EMPTY to leave it empty", e.getMessage());
    }

    @Test
    void withMissingValuesEmptyAPlaceholderWithoutValueIsLeftOutAndAnEmptyAddressHeaderIsNotSet() {
        Email email = MailTemplate.parse("review.txt", REVIEW).render(Map.of("title", "T"), MissingValues.EMPTY)
                .to("jane@example.com").build();

        assertEquals("Hello ,\nplease review T.\n", email.getText());
        assertEquals(List.of("audit@example.com"), email.getCc());
    }

    @Test
    void aSourceWithoutHeadersIsAllBodyAndCrLfLineEndsAreRead() {
        Email email = MailTemplate.parse("t.txt", "Dear ${name}:\r\nthanks.\r\n").render(Map.of("name", "Jane"))
                .to("jane@example.com").build();

        assertEquals("", email.getSubject());
        assertEquals("Dear Jane:\nthanks.\n", email.getText());
    }

    @Test
    void foldedHeaderLinesAreJoined() {
        Email email = MailTemplate.parse("t.txt", "Subject: a long\n  subject\n\nbody").render(Map.of()).to("j@example.com").build();

        assertEquals("a long subject", email.getSubject());
    }

    @Test
    void anUnknownHeaderIsRefusedNamingTheLineAndTheHeadersATemplateSets() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MailTemplate.parse("t.txt", "Subject: x\nX-Priority: 1\n\nbody"));

        assertTrue(e.getMessage().startsWith("template t.txt line 2: \"X-Priority: 1\" is not a template header; a template sets"
                + " Subject, From, Reply-To, Cc, Bcc"), e.getMessage());
    }

    @Test
    void anUnclosedPlaceholderIsRefusedAndDoubleDollarWritesALiteral() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MailTemplate.parse("t.txt", "Hi ${name"));
        assertTrue(e.getMessage().startsWith("template t.txt, body: the placeholder at \"${name\" is not ${name}"), e.getMessage());

        Email email = MailTemplate.parse("t.txt", "costs $${price} and $5").render(Map.of()).to("j@example.com").build();
        assertEquals("costs ${price} and $5", email.getText());
    }

    @Test
    void listsItsPlaceholders() {
        assertEquals(Set.of("title", "manager", "name"), MailTemplate.parse("review.txt", REVIEW).getPlaceholders());
    }

    @Test
    void inlineImagesAndAttachmentsGoOnEveryRenderedMail() {
        MailTemplate template = MailTemplate.parse("logo.html", "<img src=\"cid:logo\"> ${name}")
                .withInlineImage(new InlineImage("logo", "image/png", new byte[] {1, 2, 3}))
                .withAttachment(new dev.mailer.api.Attachment("terms.pdf", "application/pdf", new byte[] {4}));

        Email email = template.render(Map.of("name", "Jane")).to("jane@example.com").build();

        assertEquals("logo", email.getInlineImages().get(0).getContentId());
        assertEquals("terms.pdf", email.getAttachments().get(0).getFileName());
    }

    @Test
    void alternativeRefusesHeadersThatDisagree() {
        MailTemplate text = MailTemplate.parse("t.txt", "Subject: one\n\nx");
        MailTemplate html = MailTemplate.parse("t.html", "Subject: two\n\n<p>x</p>");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MailTemplate.alternative(text, html));

        assertTrue(e.getMessage().startsWith("templates t.txt + t.html set Subject differently"), e.getMessage());
    }
}
