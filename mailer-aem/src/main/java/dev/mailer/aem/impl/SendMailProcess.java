package dev.mailer.aem.impl;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.adobe.granite.workflow.WorkflowSession;
import com.adobe.granite.workflow.exec.WorkItem;
import com.adobe.granite.workflow.exec.WorkflowProcess;
import com.adobe.granite.workflow.metadata.MetaDataMap;

import dev.mailer.api.MailService;
import dev.mailer.api.template.MailTemplate;
import dev.mailer.api.template.RecipientResult;
import dev.mailer.api.template.TemplatedMail;

/**
 * The workflow step "Send mail (mailer)": renders a template (from the repository, with locale
 * fallback) with the work item's values and queues one mail per recipient (addresses, users, groups,
 * the initiator, the participants: {@link StepRecipients}) in the mail service's outbox. Queued, so that a failing SMTP server never fails the workflow item; and whatever goes
 * wrong here (a missing template, a bad argument, a full disk) is logged, never thrown: a
 * notification must not stop the workflow it reports on.
 *
 * <p>Template values: {@code payload}, {@code payloadType}, {@code initiator}, {@code workflow.id},
 * {@code item.id}, and every entry of the workflow's metadata.
 */
@Component(service = WorkflowProcess.class, property = "process.label=" + SendMailProcess.LABEL)
public class SendMailProcess implements WorkflowProcess {

    static final String LABEL = "Send mail (mailer)";

    private static final Logger LOG = LoggerFactory.getLogger(SendMailProcess.class);

    private final WorkflowMail repository;

    /** Every mail service, lowest ranking first, with its service properties. */
    @Reference(service = MailService.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile List<Map.Entry<Map<String, Object>, MailService>> mailServices = new CopyOnWriteArrayList<>();

    @Activate
    public SendMailProcess() {
        this(new RepositoryWorkflowMail());
    }

    SendMailProcess(WorkflowMail repository) {
        this.repository = repository;
    }

    @Override
    public void execute(WorkItem item, WorkflowSession session, MetaDataMap arguments) {
        String where = "workflow " + item.getWorkflow().getId() + ", item " + item.getId();
        try {
            StepArguments step = StepArguments.parse(arguments.get("PROCESS_ARGS", ""));
            MailService service = mailService(step.service);
            MailTemplate template = repository.template(session, step);
            List<String> recipients = StepRecipients.of(repository, session, item, step, where);
            if (recipients.isEmpty()) {
                return;
            }
            for (RecipientResult result : TemplatedMail.of(template, values(item)).enqueueEach(service, recipients)) {
                if (result.isAccepted()) {
                    LOG.info("{}: {} queued {} for {}", where, LABEL, template.getName(), result.getRecipient());
                } else {
                    LOG.error("{}: {} could not queue {} for {}: {}", where, LABEL, template.getName(), result.getRecipient(),
                            result.getReason().orElse(""));
                }
            }
        } catch (Exception e) {
            LOG.error("{}: {} sent nothing: {}", where, LABEL, e.getMessage(), e);
        }
    }

    private MailService mailService(String name) {
        List<Map.Entry<Map<String, Object>, MailService>> services = mailServices;
        for (int i = services.size() - 1; i >= 0; i--) {
            Map.Entry<Map<String, Object>, MailService> service = services.get(i);
            if (name == null || name.equals(service.getKey().get(MailService.SERVICE_NAME))) {
                return service.getValue();
            }
        }
        throw new IllegalStateException(name == null ? "no mail service is running: check the mailer bundles and the"
                + " dev.mailer.core.impl.DefaultMailService configuration"
                : "no mail service named " + name + " (" + MailService.SERVICE_NAME + "=" + name + ") is running: check service= of the step");
    }

    private static Map<String, Object> values(WorkItem item) {
        Map<String, Object> values = new HashMap<>();
        MetaDataMap metadata = item.getWorkflow().getWorkflowData().getMetaDataMap();
        if (metadata != null) {
            metadata.forEach((key, value) -> {
                if (value != null) {
                    values.put(key, value);
                }
            });
        }
        Object payload = item.getWorkflowData().getPayload();
        values.put("payload", payload == null ? "" : String.valueOf(payload));
        values.put("payloadType", String.valueOf(item.getWorkflowData().getPayloadType()));
        values.put("initiator", String.valueOf(item.getWorkflow().getInitiator()));
        values.put("workflow.id", item.getWorkflow().getId());
        values.put("item.id", item.getId());
        return values;
    }
}
