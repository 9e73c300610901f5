package dev.mailer.aem.impl;

import static dev.mailer.aem.impl.WorkflowFakes.done;
import static dev.mailer.aem.impl.WorkflowFakes.processArgs;
import static dev.mailer.aem.impl.WorkflowFakes.session;
import static dev.mailer.aem.impl.WorkflowFakes.workItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.AbstractMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.adobe.granite.workflow.model.WorkflowNode;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.api.testing.RecordingMailService;
import dev.mailer.commons.testing.StandardError;

/** The workflow step with fakes of the workflow API and of the repository (no AEM here). */
class SendMailProcessTest {

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

    /** Who got a mail, in order. */
    private static List<List<String>> recipients(RecordingMailService service) {
        return service.emails().stream().map(Email::getTo).collect(Collectors.toList());
    }

    private static final String REVIEW = "template=/conf/mailer/templates/review, to=";

    @Test
    void aGroupInToIsExpandedToTheEMailsOfItsMembersAndOfItsMemberGroups() {
        repository.user("jane", "jane@example.com").user("joe", "Joe <joe@example.com>")
                .group("reviewers", "jane", "editors").group("editors", "joe", "author", "reviewers");
        RecordingMailService service = new RecordingMailService();

        step(Map.of(), service).execute(workItem("/content/a", "author", Map.of("title", "t")), session(), processArgs(REVIEW + "reviewers"));

        assertEquals(List.of(List.of("jane@example.com"), List.of("Joe <joe@example.com>"), List.of("Author <author@example.com>")),
                recipients(service));
    }

    @Test
    void participantsAreTheInitiatorAndWhoeverCompletedAParticipantStepSoFar() {
        repository.user("jane", "jane@example.com").user("joe", "joe@example.com").user("workflow-process-service", "ops@example.com");
        RecordingMailService service = new RecordingMailService();

        step(Map.of(), service).execute(workItem("/content/a", "author", Map.of("title", "t")),
                session(List.of(done("jane", WorkflowNode.TYPE_PARTICIPANT), done("workflow-process-service", WorkflowNode.TYPE_PROCESS),
                        done("joe", WorkflowNode.TYPE_DYNAMIC_PARTICIPANT), done("jane", WorkflowNode.TYPE_PARTICIPANT))),
                processArgs(REVIEW + "participants"));

        assertEquals(List.of(List.of("Author <author@example.com>"), List.of("jane@example.com"), List.of("joe@example.com")),
                recipients(service), "the initiator, then each participant once; not the service user of the automated step");
    }

    @Test
    void anIdThatCannotBeResolvedIsLoggedWithTheReasonAndSkippedTheOthersStillGetMail() throws Exception {
        repository.user("jane", "jane@example.com").user("intern", "");
        RecordingMailService service = new RecordingMailService();

        String log = StandardError.capture(() -> step(Map.of(), service).execute(workItem("/content/a", "author",
                Map.of("title", "t")), session(), processArgs(REVIEW + "nobody;jane;intern")));

        assertEquals(List.of(List.of("jane@example.com")), recipients(service));
        assertTrue(log.contains("workflow /var/workflow/instances/wf-1, item wf-1/item-2: Send mail (mailer) sends nothing to nobody:"
                + " no user or group nobody exists"), log);
        assertTrue(log.contains("sends nothing to intern: user intern has no profile/email"), log);
    }

    @Test
    void anAddressReachedSeveralWaysGetsOneMail() {
        repository.user("jane", "Jane <jane@example.com>").group("reviewers", "jane");
        RecordingMailService service = new RecordingMailService();

        step(Map.of(), service).execute(workItem("/content/a", "author", Map.of("title", "t")), session(),
                processArgs(REVIEW + "jane;reviewers;JANE@example.com;Jane Doe <jane@EXAMPLE.com>"));

        assertEquals(List.of(List.of("Jane <jane@example.com>")), recipients(service));
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
