package dev.mailer.api;

import java.util.List;
import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/** What the SMTP server answered when it accepted a message. Immutable. */
@ProviderType
public final class SendResult {

    private final String messageId;
    private final String serverReply;
    private final List<String> recipients;

    public SendResult(String messageId, String serverReply, List<String> recipients) {
        this.messageId = messageId;
        this.serverReply = Objects.requireNonNull(serverReply, "serverReply");
        this.recipients = List.copyOf(recipients);
    }

    /** The Message-ID header of the sent message, e.g. {@code <123.456@host>}. */
    public String getMessageId() {
        return messageId;
    }

    /** The server's last reply, e.g. {@code 250 2.0.0 OK queued as 1A2B}. */
    public String getServerReply() {
        return serverReply;
    }

    /** Every envelope recipient (To, Cc and Bcc) the server accepted. */
    public List<String> getRecipients() {
        return recipients;
    }

    @Override
    public String toString() {
        return "SendResult[messageId=" + messageId + ", reply=" + serverReply + ", recipients=" + recipients.size() + "]";
    }
}
