package dev.mailer.aem.impl;

import java.io.IOException;

import org.apache.jackrabbit.api.security.user.UserManager;

import com.adobe.granite.workflow.WorkflowSession;

import dev.mailer.api.template.MailTemplate;

/** What the workflow step reads from the repository: its template, and the users and groups it sends to. */
interface WorkflowMail {

    /**
     * @throws IllegalArgumentException naming every source looked for, when there is no such template
     */
    MailTemplate template(WorkflowSession session, StepArguments step) throws IOException;

    /** @throws IllegalStateException when the session gives no user manager */
    UserManager users(WorkflowSession session);
}
