package dev.mailer.launcher.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.api.QueuedMail;
import dev.mailer.api.SendResult;
import dev.mailer.api.outbox.Outbox;
import dev.mailer.launcher.args.ExitCodes;
import dev.mailer.launcher.args.SendArguments;
import dev.mailer.launcher.args.Usage;
import dev.mailer.launcher.args.UsageException;

/**
 * {@code mailer send}: sends one message and prints the server's reply; with {@code --queue} puts it
 * into the durable outbox, prints its id and Message-ID, and waits up to {@code --wait} for the
 * delivery. Either way, the outbox's worker delivers what earlier runs left while this one runs:
 * the command does not wait for those (only the container's stop lets deliveries in flight finish).
 */
@Component(service = Function.class, property = { CliCommand.COMMAND_PROPERTY + "=send", CliCommand.GOGO_SCOPE,
        "osgi.command.function=send" })
public class SendCommand extends CliCommand {

    private final BundleContext context;

    @Activate
    public SendCommand(BundleContext context) {
        this.context = context;
    }

    /** Gogo: {@code mailer:send --to ... --subject ... --text ...}. */
    public int send(String... args) {
        return apply(args);
    }

    @Override
    int run(String[] args, PrintStream out, PrintStream err)
            throws UsageException, MailException, ServiceWaiter.UnavailableException, InterruptedException {
        SendArguments arguments = SendArguments.parse(args);
        if (arguments.isHelp()) {
            out.println(Usage.TEXT);
            return ExitCodes.OK;
        }
        Email email;
        try {
            email = toEmail(arguments);
        } catch (IOException e) {
            throw new UsageException("cannot read a file of the message: " + e);
        }
        try (ServiceWaiter services = new ServiceWaiter(context)) {
            MailService mail = services.mailService(MailService.class);
            if (arguments.isQueue()) {
                return awaitDelivery(mail.enqueue(email), arguments.getWait(), services, out, err);
            }
            SendResult result = mail.send(email);
            out.println(result.getServerReply());
            return ExitCodes.OK;
        }
    }

    /** Exit 0 once delivered or when still queued after {@code wait}; a dead letter is the failure that made it one. */
    private static int awaitDelivery(QueuedMail queued, Duration wait, ServiceWaiter services, PrintStream out, PrintStream err)
            throws MailException, ServiceWaiter.UnavailableException, InterruptedException {
        out.println("queued " + queued.id() + " " + queued.messageId());
        out.flush();
        try {
            SendResult result = queued.completion().toCompletableFuture().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            out.println("delivered " + queued.id() + ": " + result.getServerReply());
            return ExitCodes.OK;
        } catch (TimeoutException e) {
            out.println("still queued " + queued.id() + (wait.isZero() ? "" : ": not delivered within " + wait.toSeconds() + " s"
                    + OutboxText.lastError(services.mailService(Outbox.class).snapshot(), queued.id()))
                    + "; it is safe on disk, and the next serve (or any command) on this MAILER_DATA_DIR delivers it");
            return ExitCodes.OK;
        } catch (ExecutionException e) {
            // the completion fails with the MailException that made the message a dead letter (its reason follows)
            err.println("mailer: " + queued.id() + " is a dead letter; " + OutboxText.deadLetterAdvice(queued.id()));
            if (e.getCause() instanceof MailException) {
                throw (MailException) e.getCause();
            }
            err.println("mailer: " + e.getCause());
            return ExitCodes.PERMANENT_FAILURE;
        }
    }

    static Email toEmail(SendArguments arguments) throws IOException {
        Email.Builder builder = Email.builder()
                .to(arguments.getTo().toArray(new String[0]))
                .subject(arguments.getSubject());
        if (arguments.getFrom() != null) {
            builder.from(arguments.getFrom());
        }
        builder.text(arguments.getTextFile() != null
                ? Files.readString(arguments.getTextFile(), StandardCharsets.UTF_8)
                : arguments.getText());
        if (arguments.getHtmlFile() != null) {
            builder.html(Files.readString(arguments.getHtmlFile(), StandardCharsets.UTF_8));
        }
        for (Path file : arguments.getAttachments()) {
            builder.attach(file.getFileName().toString(), contentType(file), Files.readAllBytes(file));
        }
        return builder.build();
    }

    /** From the file name (the JDK knows the common extensions); application/octet-stream otherwise. */
    static String contentType(Path file) {
        try {
            String type = Files.probeContentType(file);
            if (type != null && type.contains("/")) {
                return type;
            }
        } catch (IOException e) {
            // no detector could tell: fall through to the generic type
        }
        return "application/octet-stream";
    }
}
