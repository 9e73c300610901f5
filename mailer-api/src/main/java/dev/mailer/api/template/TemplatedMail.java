package dev.mailer.api.template;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.MailService;

/**
 * Sends a template to several recipients in one call, each a mail of their own (no recipient sees
 * another's address, and one bad address fails only its own mail), and says per recipient what
 * happened. Rendering problems that concern every mail (a missing value, a bad address in the
 * template's headers) are thrown before anything is sent. Immutable and thread-safe.
 *
 * <pre>
 * List&lt;RecipientResult&gt; results = TemplatedMail.of(template, Map.of("title", title))
 *         .enqueueEach(mailService, List.of("jane@example.com", "joe@example.com"));
 * </pre>
 * The template's Cc and Bcc go on every recipient's mail.
 */
public final class TemplatedMail {

    private final MailTemplate template;
    private final Map<String, ?> values;
    private final MissingValues missing;

    private TemplatedMail(MailTemplate template, Map<String, ?> values, MissingValues missing) {
        this.template = Objects.requireNonNull(template, "template");
        this.values = Map.copyOf(Objects.requireNonNull(values, "values"));
        this.missing = Objects.requireNonNull(missing, "missing");
    }

    /** @param values placeholder values by name (null values are missing ones) */
    public static TemplatedMail of(MailTemplate template, Map<String, ?> values) {
        Map<String, Object> present = new HashMap<>();
        values.forEach((name, value) -> {
            if (value != null) {
                present.put(name, value);
            }
        });
        return new TemplatedMail(template, present, MissingValues.FAIL);
    }

    /** The same mail, with placeholders without a value handled as {@code missing} says. */
    public TemplatedMail withMissingValues(MissingValues missing) {
        return new TemplatedMail(template, values, missing);
    }

    /**
     * Sends one mail per recipient and waits for the server's answer to each.
     *
     * @throws IllegalArgumentException when the template cannot be rendered (nothing was sent then)
     */
    public List<RecipientResult> sendEach(MailService service, Collection<String> recipients) {
        return each(recipients, (recipient, email) -> RecipientResult.sent(recipient, service.send(email)));
    }

    /**
     * Puts one mail per recipient into the service's outbox: {@link RecipientResult.Status#QUEUED}
     * once it is durably written, so that a failing SMTP server fails no caller.
     *
     * @throws IllegalArgumentException when the template cannot be rendered (nothing was queued then)
     */
    public List<RecipientResult> enqueueEach(MailService service, Collection<String> recipients) {
        return each(recipients, (recipient, email) -> RecipientResult.queued(recipient, service.enqueue(email)));
    }

    /** The mail one recipient gets. */
    public Email toEmail(String recipient) {
        return template.render(values, missing).to(recipient).build();
    }

    private List<RecipientResult> each(Collection<String> recipients, Delivery delivery) {
        if (recipients == null || recipients.isEmpty()) {
            throw new IllegalArgumentException("recipients: give at least one address to send template " + template.getName() + " to");
        }
        template.render(values, missing); // fails here, before any mail, when it fails for everyone
        List<RecipientResult> results = new ArrayList<>(recipients.size());
        for (String recipient : recipients) {
            Email email;
            try {
                email = toEmail(recipient);
            } catch (IllegalArgumentException e) {
                results.add(RecipientResult.failed(String.valueOf(recipient), e));
                continue;
            }
            try {
                results.add(delivery.deliver(recipient, email));
            } catch (MailException e) {
                results.add(RecipientResult.failed(recipient, e));
            }
        }
        return results;
    }

    @FunctionalInterface
    private interface Delivery {
        RecipientResult deliver(String recipient, Email email) throws MailException;
    }
}
