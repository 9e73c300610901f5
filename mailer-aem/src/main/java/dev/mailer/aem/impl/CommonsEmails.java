package dev.mailer.aem.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.commons.mail.Email;
import org.apache.commons.mail.EmailException;

import dev.mailer.api.MimeMail;

/**
 * Builds the MIME message of an Apache Commons Email (as AEM's own gateway would, but without
 * sending it) and hands it over as a {@link MimeMail}: the envelope is its To, Cc and Bcc, MAIL FROM
 * its bounce address or else the mail service's {@code from.address}.
 */
final class CommonsEmails {

    /**
     * Commons Email refuses to build a message without From; AEM callers rely on the mail service's
     * sender. The placeholder lets it build; its header is removed again, and our service puts its
     * {@code from.address} in.
     */
    private static final String PLACEHOLDER_FROM = "from-address-of-the-mail-service@invalid";
    /** Commons Email wants a host to make its session; nothing connects to it: the message is only built. */
    private static final String NO_HOST = "localhost";
    private static final String[] ENVELOPE_ONLY = {"Bcc", "Content-Length"};

    private CommonsEmails() {
    }

    /**
     * @throws IllegalArgumentException naming the field, when the email cannot be built (no recipient,
     *         a bad address, already built and sent)
     */
    static MimeMail toMimeMail(Email email) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // javax.activation finds the content handlers (META-INF/mailcap) through the context class loader: the mail bundle's
        thread.setContextClassLoader(Session.class.getClassLoader());
        try {
            boolean noFrom = email.getFromAddress() == null;
            if (noFrom) {
                email.setFrom(PLACEHOLDER_FROM);
            }
            if (email.getHostName() == null) {
                email.setHostName(NO_HOST);
            }
            email.buildMimeMessage();
            MimeMessage message = email.getMimeMessage();
            if (noFrom) {
                message.removeHeader("From");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            message.writeTo(out, ENVELOPE_ONLY);
            return MimeMail.of(out.toByteArray(), email.getBounceAddress(), recipients(email));
        } catch (EmailException | IllegalStateException e) {
            throw new IllegalArgumentException("The Commons Email message cannot be built: " + e.getMessage()
                    + " (each Email instance is sent once; it needs at least one To, Cc or Bcc)", e);
        } catch (MessagingException | IOException e) {
            throw new IllegalArgumentException("The Commons Email message cannot be written as MIME: " + e.getMessage(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static List<String> recipients(Email email) {
        List<String> recipients = new ArrayList<>();
        for (List<InternetAddress> addresses : List.of(email.getToAddresses(), email.getCcAddresses(), email.getBccAddresses())) {
            for (InternetAddress address : addresses) {
                recipients.add(address.getAddress());
            }
        }
        return recipients;
    }
}
