package dev.mailer.api.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.api.MimeMail;
import dev.mailer.api.QueuedMail;
import dev.mailer.api.SendResult;

/**
 * The mail service of the unit tests of every module that calls one (a test-jar of mailer-api): it
 * records each call and what it was given, answers sends with {@code <N@test>} and queues with
 * {@code qN}; {@link #failWith} makes every call fail, {@link #refuseSendsTo} the sends to one address.
 * Thread-safe.
 */
public final class RecordingMailService implements MailService {

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, MailException> refusedRecipients = new ConcurrentHashMap<>();
    private volatile MailException failure;

    /** Every call fails with {@code e} (and is not recorded). */
    public RecordingMailService failWith(MailException e) {
        this.failure = e;
        return this;
    }

    /** A {@code send(Email)} with {@code address} among its To fails with {@code e}, as a server refusing it would. */
    public RecordingMailService refuseSendsTo(String address, MailException e) {
        refusedRecipients.put(address, e);
        return this;
    }

    /** "send" or "enqueue", in order. */
    public List<String> calls() {
        return calls.stream().map(call -> call.kind).collect(Collectors.toList());
    }

    /** Every Email given, sent or queued. */
    public List<Email> emails() {
        return calls.stream().filter(call -> call.email != null).map(call -> call.email).collect(Collectors.toList());
    }

    /** Every MimeMail given, sent or queued. */
    public List<MimeMail> mimeMails() {
        return calls.stream().filter(call -> call.mime != null).map(call -> call.mime).collect(Collectors.toList());
    }

    /** The Emails sent. */
    public List<Email> sent() {
        return emailsOf("send");
    }

    /** The Emails queued. */
    public List<Email> queued() {
        return emailsOf("enqueue");
    }

    @Override
    public SendResult send(Email email) throws MailException {
        for (String to : email.getTo()) {
            MailException refusal = refusedRecipients.get(to);
            if (refusal != null) {
                throw refusal;
            }
        }
        int n = record("send", email, null);
        return new SendResult("<" + n + "@test>", "250 OK", email.getAllRecipients());
    }

    @Override
    public QueuedMail enqueue(Email email) throws MailException {
        return queued(record("enqueue", email, null));
    }

    @Override
    public SendResult send(MimeMail mail) throws MailException {
        int n = record("send", null, mail);
        return new SendResult("<" + n + "@test>", "250 OK", mail.getRecipients());
    }

    @Override
    public QueuedMail enqueue(MimeMail mail) throws MailException {
        return queued(record("enqueue", null, mail));
    }

    private List<Email> emailsOf(String kind) {
        return calls.stream().filter(call -> call.kind.equals(kind) && call.email != null).map(call -> call.email)
                .collect(Collectors.toList());
    }

    /** Records the call; its number among the calls of its kind, from 1. */
    private synchronized int record(String kind, Email email, MimeMail mime) throws MailException {
        if (failure != null) {
            throw failure;
        }
        calls.add(new Call(kind, email, mime));
        return (int) calls.stream().filter(call -> call.kind.equals(kind)).count();
    }

    private static QueuedMail queued(int n) {
        return new QueuedMail() {
            @Override
            public String id() {
                return "q" + n;
            }

            @Override
            public String messageId() {
                return "<q" + n + "@test>";
            }

            @Override
            public CompletionStage<SendResult> completion() {
                return new CompletableFuture<>();
            }
        };
    }

    private static final class Call {
        final String kind;
        final Email email;
        final MimeMail mime;

        Call(String kind, Email email, MimeMail mime) {
            this.kind = kind;
            this.email = email;
            this.mime = mime;
        }
    }
}
