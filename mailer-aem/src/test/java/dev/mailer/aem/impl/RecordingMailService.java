package dev.mailer.aem.impl;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.api.MimeMail;
import dev.mailer.api.QueuedMail;
import dev.mailer.api.SendResult;

/** A mail service that records what it is given; {@link #failWith} makes every call fail. */
final class RecordingMailService implements MailService {

    final List<Email> emails = new CopyOnWriteArrayList<>();
    final List<MimeMail> mimeMails = new CopyOnWriteArrayList<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile MailException failure;

    RecordingMailService failWith(MailException e) {
        this.failure = e;
        return this;
    }

    @Override
    public SendResult send(Email email) throws MailException {
        record("send", email, null);
        return new SendResult("<sent@test>", "250 OK", email.getAllRecipients());
    }

    @Override
    public QueuedMail enqueue(Email email) throws MailException {
        record("enqueue", email, null);
        return queued();
    }

    @Override
    public SendResult send(MimeMail mail) throws MailException {
        record("send", null, mail);
        return new SendResult("<sent@test>", "250 OK", mail.getRecipients());
    }

    @Override
    public QueuedMail enqueue(MimeMail mail) throws MailException {
        record("enqueue", null, mail);
        return queued();
    }

    private void record(String call, Email email, MimeMail mail) throws MailException {
        if (failure != null) {
            throw failure;
        }
        calls.add(call);
        if (email != null) {
            emails.add(email);
        }
        if (mail != null) {
            mimeMails.add(mail);
        }
    }

    private static QueuedMail queued() {
        return new QueuedMail() {
            @Override
            public String id() {
                return "q1";
            }

            @Override
            public String messageId() {
                return "<q1@test>";
            }

            @Override
            public CompletionStage<SendResult> completion() {
                return new CompletableFuture<>();
            }
        };
    }
}
