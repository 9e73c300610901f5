package dev.mailer.aem.impl;

import java.io.IOException;
import java.io.InputStream;

import org.apache.jackrabbit.api.security.user.UserManager;
import org.apache.sling.api.resource.Resource;
import org.apache.sling.api.resource.ResourceResolver;

import com.adobe.granite.workflow.WorkflowSession;

import dev.mailer.api.template.MailTemplate;
import dev.mailer.api.template.MailTemplates;
import dev.mailer.api.template.TemplateSource;

/**
 * The repository of the workflow session: templates are files ({@code nt:file}, e.g. under
 * {@code /conf/mailer/templates}); users and groups are those of its user manager. Read with the session's rights.
 */
final class RepositoryWorkflowMail implements WorkflowMail {

    @Override
    public MailTemplate template(WorkflowSession session, StepArguments step) throws IOException {
        ResourceResolver resolver = resolver(session);
        String folder = step.folder();
        TemplateSource source = new TemplateSource() {
            @Override
            public InputStream open(String name) {
                Resource file = resolver.getResource(folder + "/" + name);
                return file == null ? null : file.adaptTo(InputStream.class);
            }

            @Override
            public String toString() {
                return "the repository folder " + folder;
            }
        };
        return MailTemplates.load(source, step.name(), step.locale);
    }

    @Override
    public UserManager users(WorkflowSession session) {
        UserManager users = resolver(session).adaptTo(UserManager.class);
        if (users == null) {
            throw new IllegalStateException("the workflow session's ResourceResolver gives no UserManager to read users and groups with");
        }
        return users;
    }

    private static ResourceResolver resolver(WorkflowSession session) {
        ResourceResolver resolver = session.adaptTo(ResourceResolver.class);
        if (resolver == null) {
            throw new IllegalStateException("the workflow session gives no ResourceResolver to read templates and users with");
        }
        return resolver;
    }
}
