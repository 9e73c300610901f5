package dev.mailer.core.impl;

import java.util.Locale;

/**
 * What the replies of the big providers (Exchange Online / Office 365, Gmail, Azure Communication
 * Services) mean, and what to do about them. Text only: {@link SmtpFailures} decides the rest.
 */
final class KnownReplies {

    private KnownReplies() {
    }

    /** The address inside a mailbox ("Workflow <wf@example.com>" -> wf@example.com). */
    private static String bare(String mailbox) {
        if (mailbox == null) {
            return "";
        }
        int open = mailbox.lastIndexOf('<');
        int close = mailbox.lastIndexOf('>');
        return open >= 0 && close > open ? mailbox.substring(open + 1, close).strip() : mailbox.strip();
    }

    /** A diagnosis for the reply, or null when it is none we know. */
    static String diagnose(int code, String status, String text, SmtpSettings settings) {
        return diagnose(code, status, text, settings, null);
    }

    /**
     * @param sender the address the message was sent as (its From); null: {@code from.address}, as for a check or a
     *               message without a From of its own
     */
    static String diagnose(int code, String status, String text, SmtpSettings settings, String sender) {
        String reply = String.valueOf(text).toLowerCase(Locale.ROOT);
        String s = status == null ? "" : status;
        if (s.equals("5.7.139") || (s.equals("5.7.3") && code == 535) || reply.contains("smtpclientauthentication is disabled")
                || reply.contains("basic authentication is disabled")) {
            return "Office 365: SMTP AUTH is disabled for this mailbox or tenant" + (settings.oauth ? "." : ", or basic"
                    + " authentication is turned off.") + " Enable 'Authenticated SMTP' for the mailbox (Microsoft 365 admin"
                    + " center > user > Mail > Manage email apps)" + (settings.oauth ? "." : " and use OAuth (oauth.flow=true);"
                    + " basic auth with smtp.password no longer works at most tenants.");
        }
        if (s.equals("5.7.60") || s.equals("5.2.252") || reply.contains("sendasdenied") || reply.contains("send as")) {
            if (sender != null && !sender.equalsIgnoreCase(bare(settings.fromAddress))) {
                return "The login smtp.user=" + settings.user + " is not allowed to send as " + sender + " (Send-As), the"
                        + " sender of this message. Grant the mailbox " + settings.user + " 'Send As' rights on " + sender
                        + " at the provider (Exchange Online: Add-RecipientPermission -Identity " + sender + " -Trustee "
                        + settings.user + " -AccessRights SendAs), or send as from.address (the relay: relay.sender=rewrite).";
            }
            return "The login is not allowed to send as from.address=" + settings.fromAddress + " (Send-As)."
                    + " Use the mailbox of smtp.user as from.address, or grant smtp.user 'Send As' rights on that address"
                    + " at the provider.";
        }
        if (s.equals("5.1.7") || (code == 501 && reply.contains("sender"))) {
            return "The sender address is invalid for this server. Check from.address (or the Email's from) and that"
                    + " the domain is one the server sends for.";
        }
        if (s.equals("5.7.9") || reply.contains("application-specific password")) {
            return "Gmail: this account needs an app password or OAuth. Use OAuth (oauth.flow=true) or create an app"
                    + " password and put it in the secret smtp_password.";
        }
        if (s.equals("5.7.14") || reply.contains("web browser")) {
            return "Gmail: the account must sign in through a web browser first, or use OAuth (oauth.flow=true).";
        }
        if (code == 535 || code == 534) {
            return settings.oauth
                    ? "The access token was refused. Usual causes: SMTP AUTH is disabled for the mailbox or tenant"
                            + " (Office 365: 535 5.7.139; enable Authenticated SMTP for the mailbox); the token lacks the"
                            + " SMTP scope (Office 365 delegated: https://outlook.office.com/SMTP.Send, app-only:"
                            + " https://outlook.office365.com/.default with SMTP.SendAsApp; Gmail: https://mail.google.com/);"
                            + " smtp.user is not the mailbox the token was issued for (app-only: the service principal"
                            + " needs mailbox permission)."
                    : "Check smtp.user and the password in the secret smtp_password. Office 365 and Gmail no longer accept"
                            + " basic authentication at most tenants: use OAuth (oauth.flow=true).";
        }
        if (code == 530 && reply.contains("starttls")) {
            return "The server wants STARTTLS before anything else: set smtp.starttls=true.";
        }
        if (code == 550 || code == 553) {
            return "The server refused an address or the message by policy; its reply above says which.";
        }
        if (code == 552) {
            return "The message is too large for this server; send smaller attachments.";
        }
        if (code >= 400 && code < 500) {
            return "A temporary condition at the server; sending again later can succeed.";
        }
        return null;
    }
}
