package dev.mailer.aem.impl;

import java.io.IOException;

import com.adobe.granite.workflow.WorkflowSession;

import dev.mailer.api.template.MailTemplate;

/** What the workflow step reads from the repository: its template and users' e-mail addresses. */
interface WorkflowMail {

    /**
     * @throws IllegalArgumentException naming every source looked for, when there is no such template
     */
    MailTemplate template(WorkflowSession session, StepArguments step) throws IOException;

    /** @throws IllegalArgumentException naming the user, when there is no such user or no e-mail in its profile */
    String email(WorkflowSession session, String userId);
}
