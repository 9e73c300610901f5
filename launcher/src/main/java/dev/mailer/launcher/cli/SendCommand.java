package dev.mailer.launcher.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.util.tracker.ServiceTracker;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.api.SendResult;
import dev.mailer.launcher.args.ExitCodes;
import dev.mailer.launcher.args.SendArguments;
import dev.mailer.launcher.args.UsageException;

/**
 * {@code mailer send}, run inside the framework where the {@code MailService} and {@code Email}
 * classes live. The launcher's Main, outside the framework, sees only JDK types: it finds this
 * service by its {@value #COMMAND_PROPERTY} property, passes the arguments after {@code send} and
 * gets the exit code (the idea of bnd's {@code main.thread} services).
 *
 * <p>Prints the server's reply on stdout and problems on stderr: this is the command's user-facing
 * output, the one place where bundles print instead of logging.
 */
@Component(service = Function.class, property = SendCommand.COMMAND_PROPERTY + "=send")
public class SendCommand implements Function<String[], Integer> {

    /** Service property by which the launcher finds its commands. */
    public static final String COMMAND_PROPERTY = "mailer.launcher.command";

    /** Framework property: how long to wait for the MailService, in seconds. */
    static final String WAIT_PROPERTY = "mailer.launcher.service.wait";

    /** Framework property: the folder FileInstall reads configurations from, for the error message. */
    static final String CONFIG_DIR_PROPERTY = "felix.fileinstall.dir";

    private static final String PID = "dev.mailer.core.impl.DefaultMailService";

    private final ServiceTracker<MailService, MailService> mailServices;
    private final long waitSeconds;
    private final String configDir;
    private final PrintStream out = System.out;
    private final PrintStream err = System.err;

    @Activate
    public SendCommand(BundleContext context) {
        this.mailServices = new ServiceTracker<>(context, MailService.class, null);
        this.mailServices.open();
        String wait = context.getProperty(WAIT_PROPERTY);
        this.waitSeconds = wait == null ? 30 : Long.parseLong(wait);
        this.configDir = context.getProperty(CONFIG_DIR_PROPERTY);
    }

    @Deactivate
    void deactivate() {
        mailServices.close();
    }

    @Override
    public Integer apply(String[] args) {
        Email email;
        try {
            SendArguments arguments = SendArguments.parse(args);
            if (arguments.isHelp()) {
                out.println(SendArguments.USAGE);
                return ExitCodes.OK;
            }
            email = toEmail(arguments);
        } catch (UsageException | IllegalArgumentException e) {
            // IllegalArgumentException: the Email builder's own check, which names the field
            err.println("mailer: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (IOException e) {
            err.println("mailer: cannot read a file of the message: " + e);
            return ExitCodes.USAGE;
        }

        MailService mailService;
        try {
            mailService = mailServices.waitForService(TimeUnit.SECONDS.toMillis(waitSeconds));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("mailer: interrupted while waiting for the mail service");
            return ExitCodes.UNAVAILABLE;
        }
        if (mailService == null) {
            err.println("mailer: no MailService after " + waitSeconds + " s. The mail service needs the configuration " + PID
                    + " (a " + PID + ".cfg.json file in " + configDir + ") and an active mailer-core bundle;"
                    + " see the log above for bundles or components that failed.");
            return ExitCodes.UNAVAILABLE;
        }

        try {
            SendResult result = mailService.send(email);
            out.println(result.getServerReply());
            out.flush();
            return ExitCodes.OK;
        } catch (MailException e) {
            err.println("mailer: " + e.getMessage());
            return e.isTransient() ? ExitCodes.TRANSIENT_FAILURE : ExitCodes.PERMANENT_FAILURE;
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
