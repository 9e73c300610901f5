package dev.mailer.api.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.testing.RecordingMailService;
import dev.mailer.api.template.RecipientResult.Status;

class TemplatedMailTest {

    private static final MailTemplate REVIEW = MailTemplate.parse("review.txt", "Subject: Review ${title}\n\nPlease review ${title}.");

    @Test
    void eachRecipientGetsAMailOfTheirOwnAndAFailureIsTheirsAlone() {
        RecordingMailService service = refusingOne();

        List<RecipientResult> results = TemplatedMail.of(REVIEW, Map.of("title", "/content/page"))
                .sendEach(service, List.of("jane@example.com", "refused@example.com", "not an address", "joe@example.com"));

        assertEquals(List.of(Status.SENT, Status.FAILED, Status.FAILED, Status.SENT),
                results.stream().map(RecipientResult::getStatus).collect(java.util.stream.Collectors.toList()));
        assertEquals("550 5.1.1 refused@example.com: user unknown", results.get(1).getReason().orElseThrow());
        assertTrue(results.get(2).getReason().orElseThrow().startsWith("to address is not a valid RFC 5322 mailbox: not an address"),
                results.get(2).toString());
        assertEquals(2, service.sent().size());
        for (Email email : service.sent()) {
            assertEquals(1, email.getAllRecipients().size(), "no recipient sees another's address");
            assertEquals("Review /content/page", email.getSubject());
        }
        assertEquals("<1@test>", results.get(0).getSendResult().orElseThrow().getMessageId());
    }

    @Test
    void enqueueEachQueuesOneMailPerRecipient() {
        RecordingMailService service = refusingOne();

        List<RecipientResult> results = TemplatedMail.of(REVIEW, Map.of("title", "T"))
                .enqueueEach(service, List.of("jane@example.com", "joe@example.com"));

        assertEquals(List.of("q1", "q2"), List.of(results.get(0).getQueuedMail().orElseThrow().id(),
                results.get(1).getQueuedMail().orElseThrow().id()));
        assertTrue(results.stream().allMatch(RecipientResult::isAccepted));
        assertEquals(List.of("jane@example.com"), service.queued().get(0).getTo());
    }

    @Test
    void aTemplateThatCannotBeRenderedSendsNothing() {
        RecordingMailService service = refusingOne();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TemplatedMail.of(REVIEW, Map.of()).sendEach(service, List.of("jane@example.com")));

        assertTrue(e.getMessage().startsWith("template review.txt: no value for ${title} in the Subject"), e.getMessage());
        assertEquals(List.of(), service.sent());
    }

    @Test
    void aNullValueIsAMissingOneUnlessMissingValuesAreLeftEmpty() {
        Map<String, Object> values = new java.util.HashMap<>();
        values.put("title", null);
        RecordingMailService service = refusingOne();

        assertThrows(IllegalArgumentException.class, () -> TemplatedMail.of(REVIEW, values).sendEach(service, List.of("j@example.com")));
        TemplatedMail.of(REVIEW, values).withMissingValues(MissingValues.EMPTY).sendEach(service, List.of("j@example.com"));

        assertEquals("Review", service.sent().get(0).getSubject().strip());
    }

    /** Accepts every mail but those to refused@example.com, which the "server" refuses with 550. */
    private static RecordingMailService refusingOne() {
        return new RecordingMailService().refuseSendsTo("refused@example.com",
                MailException.permanentFailure("550 5.1.1 refused@example.com: user unknown").replyCode(550).build());
    }
}
