package dev.mailer.aem.impl;

import static dev.mailer.aem.impl.WorkflowFakes.processArgs;
import static dev.mailer.aem.impl.WorkflowFakes.session;
import static dev.mailer.aem.impl.WorkflowFakes.workItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.AbstractMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import com.adobe.granite.workflow.WorkflowSession;

import dev.mailer.api.testing.RecordingMailService;
import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.api.template.MailTemplate;

/** The workflow step with fakes of the workflow API and of the repository (no AEM here). */
class SendMailProcessTest {

    /** Templates by path and the e-mail of user "author"; records which template and locale were asked for. */
    private static final class FakeRepository implements WorkflowMail {
        final List<String> asked = new CopyOnWriteArrayList<>();

        @Override
        public MailTemplate template(WorkflowSession session, StepArguments step) throws IOException {
            asked.add(step.templatePath + " " + step.locale);
            if (!step.templatePath.equals("/conf/mailer/templates/review")) {
                throw new IllegalArgumentException("no template " + step.name());
            }
            return MailTemplate.parse("review.txt", "Subject: Review ${payload}\n\n${initiator} asks for a review of ${payload}"
                    + " (${title}, ${workflow.id}).");
        }

        @Override
        public String email(WorkflowSession session, String userId) {
            if (!userId.equals("author")) {
                throw new IllegalArgumentException("user " + userId + " does not exist");
            }
            return "Author <author@example.com>";
        }
    }

    private final FakeRepository repository = new FakeRepository();

    private SendMailProcess step(Map<String, Object> properties, MailService service) {
        SendMailProcess step = new SendMailProcess(repository);
        step.mailServices = new CopyOnWriteArrayList<>(List.of(new AbstractMap.SimpleEntry<>(properties, service)));
        return step;
    }

    @Test
    void queuesTheTemplateWithTheWorkItemsValuesForTheInitiatorAndTheListedAddresses() {
        RecordingMailService service = new RecordingMailService();

        step(Map.of(), service).execute(workItem("/content/site/en", "author", Map.of("title", "Spring campaign")), session(),
                processArgs("template=/conf/mailer/templates/review, to=initiator;reviewers@example.com, locale=de_CH"));

        assertEquals(List.of("/conf/mailer/templates/review de_CH"), repository.asked);
        assertEquals(List.of("enqueue", "enqueue"), service.calls(), "queued, one mail per recipient");
        Email first = service.emails().get(0);
        assertEquals(List.of("Author <author@example.com>"), first.getTo());
        assertEquals(List.of("reviewers@example.com"), service.emails().get(1).getTo());
        assertEquals("Review /content/site/en", first.getSubject());
        assertEquals("author asks for a review of /content/site/en (Spring campaign, /var/workflow/instances/wf-1).", first.getText());
    }

    @Test
    void theNamedMailServiceIsUsed() {
        RecordingMailService bulk = new RecordingMailService();
        RecordingMailService other = new RecordingMailService();
        SendMailProcess step = new SendMailProcess(repository);
        step.mailServices = new CopyOnWriteArrayList<>(List.of(
                new AbstractMap.SimpleEntry<>(Map.<String, Object>of("mail.service.name", "bulk"), (MailService) bulk),
                new AbstractMap.SimpleEntry<>(Map.<String, Object>of(), (MailService) other)));

        step.execute(workItem("/content/a", "author", Map.of("title", "t")), session(),
                processArgs("template=/conf/mailer/templates/review\nto=jane@example.com\nservice=bulk"));

        assertEquals(List.of("enqueue"), bulk.calls());
        assertEquals(List.of(), other.calls());
    }

    @Test
    void nothingThrowsOutOfExecuteWhateverFails() {
        RecordingMailService down = new RecordingMailService()
                .failWith(MailException.permanentFailure("The outbox directory /data/outbox cannot be written").build());
        SendMailProcess step = step(Map.of(), down);
        Map<String, Object> values = Map.of("title", "t");

        step.execute(workItem("/content/a", "author", values), session(), processArgs("template=/conf/mailer/templates/review, to=jane@example.com"));
        step.execute(workItem("/content/a", "author", values), session(), processArgs("template=/conf/missing, to=jane@example.com"));
        step.execute(workItem("/content/a", "author", values), session(), processArgs("to=jane@example.com"));
        step.execute(workItem("/content/a", "nobody", values), session(), processArgs("template=/conf/mailer/templates/review, to=initiator"));
        step.execute(workItem("/content/a", "author", Map.of()), session(), processArgs("template=/conf/mailer/templates/review, to=jane@example.com"));
        step(Map.of("mail.service.name", "other"), down).execute(workItem("/content/a", "author", values), session(),
                processArgs("template=/conf/mailer/templates/review, to=jane@example.com, service=bulk"));

        assertEquals(List.of(), down.calls(), "nothing was queued, and every failure was logged, none thrown");
    }

    @Test
    void badArgumentsAreNamed() {
        assertEquals("step argument \"recipients=jane@example.com\" is not one of template=, to=, locale=, service=;"
                + " e.g. template=/conf/mailer/templates/review, to=initiator;reviewers@example.com",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> StepArguments.parse("template=/conf/x, recipients=jane@example.com")).getMessage());
        assertEquals(Locale.forLanguageTag("de-CH"), StepArguments.parse("template=/conf/x/y, to=a@example.com, locale=de_CH").locale);
        assertEquals("/conf/x", StepArguments.parse("template=/conf/x/y, to=a@example.com").folder());
    }
}
