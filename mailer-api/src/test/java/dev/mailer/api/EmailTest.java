package dev.mailer.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class EmailTest {

    @Test
    void buildsImmutableMessageWithAllParts() {
        byte[] data = "pdf".getBytes(StandardCharsets.US_ASCII);
        Email email = Email.builder()
                .from("Workflow <workflow@example.com>")
                .to("jane@example.com", "Jöhn Doe <john@example.com>")
                .cc("cc@example.com").bcc("audit@example.com")
                .replyTo("noreply@example.com")
                .subject("Größe: review").text("plain").html("<p>html</p>")
                .attach("report.pdf", "application/pdf", data)
                .header("X-Workflow-Id", "42")
                .build();
        data[0] = 'X';
        assertEquals(List.of("jane@example.com", "Jöhn Doe <john@example.com>", "cc@example.com", "audit@example.com"),
                email.getAllRecipients());
        assertEquals("pdf", new String(email.getAttachments().get(0).getContent(), StandardCharsets.US_ASCII));
        assertEquals("42", email.getHeaders().get("X-Workflow-Id"));
        assertThrows(UnsupportedOperationException.class, () -> email.getTo().add("x@example.com"));
    }

    @Test
    void inlineImagesNeedAnHtmlBodyAndAContentIdTheHtmlCanName() {
        IllegalArgumentException noHtml = assertThrows(IllegalArgumentException.class,
                () -> Email.builder().to("j@example.com").text("t").inline("logo", "image/png", new byte[] {1}).build());
        assertEquals("inline images [logo] are shown by an HTML body (<img src=\"cid:...\">): set html(...)", noHtml.getMessage());

        IllegalArgumentException badId = assertThrows(IllegalArgumentException.class,
                () -> new InlineImage("<logo>", "image/png", new byte[] {1}));
        assertTrue(badId.getMessage().startsWith("inline image content id must be printable ASCII without spaces, '<' or '>'"),
                badId.getMessage());

        Email email = Email.builder().to("j@example.com").html("<img src=\"cid:logo\">").inline("logo", "image/png", new byte[] {1})
                .inline("logo", "image/gif", new byte[] {2}).build();
        assertEquals(1, email.getInlineImages().size(), "the same content id replaces the earlier image");
        assertEquals("image/gif", email.getInlineImages().get(0).getContentType());
    }

    @Test
    void refusesMessageWithoutRecipient() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Email.builder().subject("s").text("t").build());
        assertTrue(e.getMessage().startsWith("to/cc/bcc"), e.getMessage());
    }

    @Test
    void refusesMessageWithoutBody() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Email.builder().to("a@example.com").build());
        assertTrue(e.getMessage().startsWith("text/html"), e.getMessage());
    }

    @Test
    void refusesAddressThatIsNotAMailbox() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Email.builder().to("not an address"));
        assertTrue(e.getMessage().contains("to address is not a valid RFC 5322 mailbox: not an address"), e.getMessage());
    }

    @Test
    void refusesTwoAddressesInOneArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Email.builder().cc("a@example.com, b@example.com"));
        assertTrue(e.getMessage().contains("cc address must be one mailbox"), e.getMessage());
    }

    @Test
    void refusesHeaderInjectionInSubjectAddressAndHeaders() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Email.builder().subject("hi\r\nBcc: victim@example.com")).getMessage().startsWith("subject must not contain line breaks"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Email.builder().to("a@example.com\nBcc: victim@example.com")).getMessage().startsWith("to address must not contain line breaks"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Email.builder().header("X-Id", "1\r\nBcc: victim@example.com")).getMessage().startsWith("header X-Id must not contain line breaks"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new Attachment("a\n.pdf", "application/pdf", new byte[0])).getMessage().startsWith("attachment file name must not contain"));
    }

    @Test
    void refusesManagedHeadersAndBadHeaderNames() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Email.builder().header("Bcc", "x@example.com")).getMessage().contains("use its method"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Email.builder().header("X Bad", "v")).getMessage().startsWith("header name must be"));
    }

    @Test
    void toStringHidesBccAddresses() {
        Email email = Email.builder().to("a@example.com").bcc("secret-audit@example.com").text("t").build();
        assertTrue(!email.toString().contains("secret-audit"), email.toString());
    }
}
