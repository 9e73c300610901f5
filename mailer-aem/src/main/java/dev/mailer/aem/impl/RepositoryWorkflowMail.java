package dev.mailer.aem.impl;

import java.io.IOException;
import java.io.InputStream;

import javax.jcr.RepositoryException;
import javax.jcr.Value;

import org.apache.jackrabbit.api.security.user.Authorizable;
import org.apache.jackrabbit.api.security.user.UserManager;
import org.apache.sling.api.resource.Resource;
import org.apache.sling.api.resource.ResourceResolver;

import com.adobe.granite.workflow.WorkflowSession;

import dev.mailer.api.template.MailTemplate;
import dev.mailer.api.template.MailTemplates;
import dev.mailer.api.template.TemplateSource;

/**
 * The repository of the workflow session: templates are files ({@code nt:file}, e.g. under
 * {@code /conf/mailer/templates}), users have {@code profile/email}. Read with the session's rights.
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
    public String email(WorkflowSession session, String userId) {
        try {
            UserManager users = resolver(session).adaptTo(UserManager.class);
            Authorizable user = users == null ? null : users.getAuthorizable(userId);
            Value[] email = user == null ? null : user.getProperty("./profile/email");
            if (email == null || email.length == 0 || email[0].getString().isBlank()) {
                throw new IllegalArgumentException("user " + userId + (user == null ? " does not exist" : " has no profile/email")
                        + ": set the e-mail in the user's profile, or name an address in the step's to=");
            }
            return email[0].getString().strip();
        } catch (RepositoryException e) {
            throw new IllegalArgumentException("the e-mail of user " + userId + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static ResourceResolver resolver(WorkflowSession session) {
        ResourceResolver resolver = session.adaptTo(ResourceResolver.class);
        if (resolver == null) {
            throw new IllegalStateException("the workflow session gives no ResourceResolver to read templates and users with");
        }
        return resolver;
    }
}
