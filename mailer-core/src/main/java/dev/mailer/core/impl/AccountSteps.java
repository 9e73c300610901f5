package dev.mailer.core.impl;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.OAuthConfigurationProvider;
import dev.mailer.api.SendResult;
import dev.mailer.api.oauth.OAuthTokenManager;
import dev.mailer.api.oauth.TokenStatus;
import dev.mailer.commons.text.Printable;
import dev.mailer.core.impl.ConnectionDiagnosis.OAuthProviderSource;
import dev.mailer.core.impl.SmtpFailures.Finding;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/**
 * The steps of the connection check that act as the account, on connections made exactly as a send
 * makes them ({@link SmtpSender}): token, auth and sender (one login, MAIL FROM, nothing sent), and
 * send when asked to. Records into the run's {@link CheckSteps}; each step returns whether the check
 * goes on. One check run, one thread.
 */
final class AccountSteps {

    static final String TOKEN = "token";
    static final String AUTH = "auth";
    static final String SENDER = "sender";
    static final String SEND = "send";

    static final String TEST_SUBJECT = "Mailer connection check";

    private static final Logger LOG = LoggerFactory.getLogger(AccountSteps.class);

    private final SmtpSettings settings;
    private final SmtpSender sender;
    private final CheckSteps steps;
    private OAuthConfigurationProvider provider;

    AccountSteps(SmtpSettings settings, SmtpSender sender, CheckSteps steps) {
        this.settings = settings;
        this.sender = sender;
        this.steps = steps;
    }

    /** With oauth.flow=true: an access token from the provider, as sending gets it; its details from the token manager. */
    boolean token(OAuthProviderSource oauthSource, Supplier<OAuthTokenManager> tokenManager) {
        if (!settings.oauth) {
            return true;
        }
        steps.begin(TOKEN);
        String token;
        try {
            provider = oauthSource.await();
            token = provider.getAccessToken();
        } catch (MailException e) {
            TokenStatus status = provider == null ? null : status(tokenManager);
            return steps.fail(e, status == null ? List.of() : statusLines(status, false));
        }
        if (token == null || token.isBlank()) {
            return steps.fail(Finding.permanent("The OAuthConfigurationProvider returned no access token.", SmtpSettings.OAUTH,
                    "Check the OAuth provider's settings (tokenUrl, clientId, clientSecret, scopes, grantType) and its log."),
                    List.of());
        }
        steps.secret(token);
        TokenStatus status = status(tokenManager);
        if (status == null) {
            return steps.pass("Access token obtained for smtp.user=" + settings.user, List.of("no OAuthTokenManager service is"
                    + " registered, so grant type, expiry and scopes cannot be shown"));
        }
        String expiry = status.getExpiresAt().map(t -> ", expires " + t.truncatedTo(ChronoUnit.SECONDS)).orElse("");
        String scopes = status.getGrantedScopes().map(s -> ", scopes " + s).orElse("");
        String summary = "Access token obtained for smtp.user=" + settings.user + " (grant " + status.getGrantType() + expiry + scopes + ")";
        if (status.getLastError().isPresent()) {
            // a cached token still works, but the last token request (e.g. the keep-alive) failed: the next one will too
            return steps.warn(summary + ", but the last token request failed" + status.getLastErrorAt().map(t -> " at "
                    + t.truncatedTo(ChronoUnit.SECONDS)).orElse("") + ": " + status.getLastError().get(), statusLines(status, true),
                    "Sends work until this token expires; fix what the error says before then.");
        }
        return steps.pass(summary, statusLines(status, true));
    }

    private static TokenStatus status(Supplier<OAuthTokenManager> tokenManager) {
        OAuthTokenManager manager = tokenManager.get();
        if (manager == null) {
            return null;
        }
        try {
            return manager.getStatus();
        } catch (RuntimeException e) {
            LOG.debug("OAuthTokenManager.getStatus() failed", e);
            return null;
        }
    }

    private static List<String> statusLines(TokenStatus status, boolean withToken) {
        List<String> lines = new ArrayList<>();
        lines.add("grant type: " + status.getGrantType());
        if (status.getClientId() != null) {
            lines.add("client id: " + status.getClientId());
        }
        if (status.getTokenUrl() != null) {
            lines.add("token endpoint: " + status.getTokenUrl());
        }
        if (!status.getRequestedScopes().isEmpty()) {
            lines.add("requested scopes: " + String.join(" ", status.getRequestedScopes()));
        }
        if (withToken) {
            status.getGrantedScopes().ifPresent(s -> lines.add("granted scopes: " + s));
            status.getExpiresAt().ifPresent(t -> lines.add("expires at: " + t.truncatedTo(ChronoUnit.SECONDS) + " (in "
                    + Math.max(0, Duration.between(Instant.now(), t).toMinutes()) + " min)"));
        }
        lines.add("refresh token: " + status.getRefreshTokenSource().getDescription());
        lines.add("keep-alive: " + status.getKeepAlive().map(period -> "when no token was obtained for " + period
                + status.getLastKeepAlive().map(t -> ", last " + t.truncatedTo(ChronoUnit.SECONDS)).orElse("")
                + status.getKeepAliveDue().map(t -> ", next due " + t.truncatedTo(ChronoUnit.SECONDS)).orElse(""))
                .orElse("off"));
        return lines;
    }

    /** One connection as a send makes it: the login (step auth), then MAIL FROM:&lt;from.address&gt; and RSET (step sender). */
    boolean authAndSender() {
        String address;
        try {
            address = new InternetAddress(settings.fromAddress, true).getAddress();
        } catch (AddressException e) {
            steps.begin(SENDER);
            return steps.fail(Finding.permanent("from.address=" + settings.fromAddress + " is not a valid address.",
                    SmtpSettings.FROM, "Set from.address to a mail address."), List.of());
        }
        steps.begin(settings.user == null ? SENDER : AUTH);
        SenderTest test = new SenderTest(address);
        try {
            test.reply = sender.converse(provider, test);
        } catch (MailException e) {
            test.failure = e;
        }
        return auth(test) && sender(test);
    }

    private boolean auth(SenderTest test) {
        if (settings.user == null) {
            return steps.skip(AUTH, "No authentication configured (smtp.user is not set).");
        }
        steps.begin(AUTH);
        if (!test.authenticated) {
            return steps.fail(test.failure, List.of());
        }
        String mechanism = settings.oauth ? "XOAUTH2" : EhloCapabilities.passwordMechanism(test.mechanisms);
        return steps.pass("Logged in as smtp.user=" + settings.user + " with " + (settings.oauth ? "an OAuth2 access token"
                : "the password") + (mechanism == null ? "" : " (AUTH " + mechanism + ")"), List.of());
    }

    private boolean sender(SenderTest test) {
        steps.begin(SENDER);
        if (test.failure != null) {
            return steps.fail(test.failure, List.of());
        }
        SmtpProbe.Reply reply = test.reply;
        if (reply.code != 250) {
            return steps.fail(SmtpFailures.senderRefused(reply.code, reply.toString(), settings), List.of());
        }
        List<String> details = new ArrayList<>();
        details.add("Some providers (Office 365) check Send-As rights only after the message data: run the check with"
                + " --send-to ADDRESS to send a test message, the complete test.");
        if (settings.user != null && settings.user.contains("@") && !test.address.equalsIgnoreCase(settings.user)) {
            details.add("from.address differs from smtp.user=" + settings.user + ": the provider must allow smtp.user to"
                    + " send as " + test.address + " (Send-As)");
        }
        return steps.pass("MAIL FROM:<" + test.address + "> accepted: " + reply, details);
    }

    /** On the authenticated connection: MAIL FROM, then RSET; nothing is sent. Then what happened. */
    private static final class SenderTest implements SmtpSender.Conversation<SmtpProbe.Reply> {
        final String address;
        volatile boolean authenticated;
        volatile String mechanisms;
        SmtpProbe.Reply reply;
        MailException failure;

        SenderTest(String address) {
            this.address = address;
        }

        @Override
        public SmtpProbe.Reply converse(SMTPTransport transport) throws MessagingException {
            authenticated = true;
            mechanisms = transport.getExtensionParameter("AUTH");
            int code = transport.simpleCommand("MAIL FROM:<" + address + ">");
            String text = String.valueOf(transport.getLastServerResponse()).strip();
            if (code == 250) {
                transport.simpleCommand("RSET");
            }
            return new SmtpProbe.Reply(code, List.of(text));
        }
    }

    /** With --send-to: one test message through the sending path. */
    boolean send(String sendTo) {
        if (sendTo == null) {
            return true;
        }
        steps.begin(SEND);
        Email email;
        try {
            email = Email.builder().to(sendTo).subject(TEST_SUBJECT).header("Auto-Submitted", "auto-generated")
                    .text("This is a test message of the mailer connection check (mailer check --send-to).\r\n\r\n"
                            + "Sent through " + settings.server() + " from " + localHostName() + " at "
                            + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " as from.address=" + settings.fromAddress
                            + ".\r\nNo reply is needed.\r\n")
                    .build();
        } catch (IllegalArgumentException e) {
            return steps.fail(Finding.permanent(Printable.quoted(sendTo) + " is not a valid recipient address (" + Printable.of(e.getMessage()) + ").",
                    null, "Give --send-to one mail address, e.g. --send-to you@example.com."), List.of());
        }
        SendResult result;
        try {
            result = sender.sendOnOwnConnection(email, provider);
        } catch (MailException e) {
            return steps.fail(e, List.of());
        }
        return steps.pass("A test message to " + sendTo + " was accepted: " + result.getServerReply(),
                List.of("Message-ID: " + result.getMessageId(), "subject: " + TEST_SUBJECT));
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException | SecurityException e) {
            return "this host";
        }
    }
}
