package dev.mailer.aem.impl;

import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javax.jcr.RepositoryException;
import javax.jcr.Value;

import org.apache.jackrabbit.api.security.user.Authorizable;
import org.apache.jackrabbit.api.security.user.Group;
import org.apache.jackrabbit.api.security.user.UserManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.adobe.granite.workflow.WorkflowException;
import com.adobe.granite.workflow.WorkflowSession;
import com.adobe.granite.workflow.exec.HistoryItem;
import com.adobe.granite.workflow.exec.WorkItem;
import com.adobe.granite.workflow.model.WorkflowNode;

/**
 * The addresses one run of the step sends to, from its {@code to=}: an entry with {@code @} is an
 * address; {@value #INITIATOR} the initiator's {@code profile/email}; {@value #PARTICIPANTS} the users
 * who completed a participant step of this workflow so far (its history), and the initiator; anything
 * else a user ID (its {@code profile/email}) or a group ID (its members' e-mails, of member groups too),
 * read with the {@link UserManager} of the workflow session. Each address once (compared without
 * display name and case). A recipient that cannot be resolved (no such user or group, no e-mail) is
 * logged with the reason and left out; the others still get mail. Used once.
 */
final class StepRecipients {

    static final String INITIATOR = "initiator";
    static final String PARTICIPANTS = "participants";

    private static final Logger LOG = LoggerFactory.getLogger(StepRecipients.class);
    private static final String EMAIL = "./profile/email";
    /** The steps whose history names a person: automated steps record the workflow engine's service user. */
    private static final Set<String> PARTICIPANT_STEPS = Set.of(WorkflowNode.TYPE_PARTICIPANT, WorkflowNode.TYPE_DYNAMIC_PARTICIPANT);

    private final WorkflowMail repository;
    private final WorkflowSession session;
    private final WorkItem item;
    private final String where;
    /** By the bare address in lower case: each once, in the order of to=. */
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private final Set<String> expandedGroups = new HashSet<>();
    private UserManager users;

    private StepRecipients(WorkflowMail repository, WorkflowSession session, WorkItem item, String where) {
        this.repository = repository;
        this.session = session;
        this.item = item;
        this.where = where;
    }

    /** @param where names the workflow and item in the log */
    static List<String> of(WorkflowMail repository, WorkflowSession session, WorkItem item, StepArguments step, String where) {
        StepRecipients recipients = new StepRecipients(repository, session, item, where);
        for (String recipient : step.to) {
            recipients.add(recipient);
        }
        return List.copyOf(recipients.addresses.values());
    }

    private void add(String recipient) {
        if (recipient.contains("@")) {
            address(recipient);
        } else if (INITIATOR.equals(recipient)) {
            user(item.getWorkflow().getInitiator(), "the initiator");
        } else if (PARTICIPANTS.equals(recipient)) {
            participants();
        } else {
            user(recipient, recipient);
        }
    }

    private void participants() {
        user(item.getWorkflow().getInitiator(), "the initiator");
        List<HistoryItem> history;
        try {
            history = session.getHistory(item.getWorkflow());
        } catch (WorkflowException | RuntimeException e) {
            skip(PARTICIPANTS, "the workflow history cannot be read (" + e.getMessage() + "); only the initiator gets mail");
            return;
        }
        for (HistoryItem done : history) {
            WorkItem doneItem = done.getWorkItem();
            String userId = done.getUserId();
            if (userId != null && doneItem != null && doneItem.getNode() != null && PARTICIPANT_STEPS.contains(doneItem.getNode().getType())) {
                user(userId, "participant " + userId);
            }
        }
    }

    /** A user's e-mail, or a group's members'. */
    private void user(String id, String who) {
        try {
            if (users == null) {
                users = repository.users(session);
            }
            Authorizable authorizable = id == null ? null : users.getAuthorizable(id);
            if (authorizable == null) {
                skip(who, "no user or group " + id + " exists");
            } else {
                authorizable(authorizable, who);
            }
        } catch (RepositoryException | RuntimeException e) {
            skip(who, "user or group " + id + " cannot be read (" + e.getMessage() + ")");
        }
    }

    private void authorizable(Authorizable authorizable, String who) throws RepositoryException {
        String id = authorizable.getID();
        if (authorizable.isGroup()) {
            if (expandedGroups.add(id)) {
                for (Iterator<Authorizable> members = ((Group) authorizable).getDeclaredMembers(); members.hasNext();) {
                    Authorizable member = members.next();
                    authorizable(member, "member " + member.getID() + " of group " + id);
                }
            }
            return;
        }
        Value[] email = authorizable.getProperty(EMAIL);
        if (email == null || email.length == 0 || email[0].getString().isBlank()) {
            skip(who, "user " + id + " has no profile/email: set the e-mail in the user's profile, or name an address in the step's to=");
        } else {
            address(email[0].getString().strip());
        }
    }

    private void address(String address) {
        int open = address.lastIndexOf('<');
        int close = address.lastIndexOf('>');
        String bare = open >= 0 && close > open ? address.substring(open + 1, close) : address;
        addresses.putIfAbsent(bare.strip().toLowerCase(Locale.ROOT), address);
    }

    private void skip(String who, String reason) {
        LOG.warn("{}: {} sends nothing to {}: {}", where, SendMailProcess.LABEL, who, reason);
    }
}
