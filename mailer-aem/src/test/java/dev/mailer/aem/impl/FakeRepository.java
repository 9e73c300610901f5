package dev.mailer.aem.impl;

import static dev.mailer.aem.impl.WorkflowFakes.fake;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.jcr.Value;

import org.apache.jackrabbit.api.security.user.Authorizable;
import org.apache.jackrabbit.api.security.user.Group;
import org.apache.jackrabbit.api.security.user.User;
import org.apache.jackrabbit.api.security.user.UserManager;

import com.adobe.granite.workflow.WorkflowSession;

import dev.mailer.aem.impl.WorkflowFakes.Answer;
import dev.mailer.api.template.MailTemplate;

/**
 * The repository of the step's tests: the template {@code /conf/mailer/templates/review} (records which
 * template and locale were asked for), users with their {@code profile/email} (user "author" has one)
 * and groups with their declared members, behind fakes of the Jackrabbit user API.
 */
final class FakeRepository implements WorkflowMail {

    final List<String> asked = new CopyOnWriteArrayList<>();
    /** User ID to e-mail; "" for a user without one. */
    private final Map<String, String> emails = new HashMap<>(Map.of("author", "Author <author@example.com>"));
    private final Map<String, List<String>> groups = new HashMap<>();

    /** Adds a user; {@code email} "" for none. */
    FakeRepository user(String id, String email) {
        emails.put(id, email);
        return this;
    }

    FakeRepository group(String id, String... members) {
        groups.put(id, List.of(members));
        return this;
    }

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
    public UserManager users(WorkflowSession session) {
        return fake(UserManager.class, Map.of("getAuthorizable",
                (Answer) args -> args[0] instanceof String ? authorizable((String) args[0]) : null));
    }

    private Authorizable authorizable(String id) {
        if (groups.containsKey(id)) {
            return fake(Group.class, Map.of("getID", id, "isGroup", true, "getDeclaredMembers",
                    (Answer) args -> groups.get(id).stream().map(this::authorizable).filter(Objects::nonNull).iterator()));
        }
        String email = emails.get(id);
        if (email == null) {
            return null;
        }
        Value[] profileEmail = email.isEmpty() ? null : new Value[] {fake(Value.class, Map.of("getString", email))};
        return fake(User.class, Map.of("getID", id, "isGroup", false,
                "getProperty", (Answer) args -> "./profile/email".equals(args[0]) ? profileEmail : null));
    }
}
