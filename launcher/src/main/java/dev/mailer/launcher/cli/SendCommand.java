package dev.mailer.launcher.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.api.SendResult;
import dev.mailer.launcher.args.ExitCodes;
import dev.mailer.launcher.args.SendArguments;
import dev.mailer.launcher.args.Usage;
import dev.mailer.launcher.args.UsageException;

/** {@code mailer send}: sends one message and prints the server's reply. */
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
            SendResult result = services.mailService(MailService.class).send(email);
            out.println(result.getServerReply());
            return ExitCodes.OK;
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
