package dev.mailer.launcher.cli;

import java.io.PrintStream;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import dev.mailer.api.outbox.Outbox;
import dev.mailer.api.outbox.OutboxSnapshot;
import dev.mailer.launcher.args.ExitCodes;
import dev.mailer.launcher.args.QueueArguments;
import dev.mailer.launcher.args.Usage;
import dev.mailer.launcher.args.UsageException;

/**
 * {@code mailer queue}: lists the outbox, retries or purges a message. The list exits with
 * {@link ExitCodes#DEAD_LETTERS} while dead letters exist, so that a cron job can alert.
 */
@Component(service = Function.class, property = { CliCommand.COMMAND_PROPERTY + "=queue", CliCommand.GOGO_SCOPE,
        "osgi.command.function=queue" })
public class QueueCommand extends CliCommand {

    private final BundleContext context;

    @Activate
    public QueueCommand(BundleContext context) {
        this.context = context;
    }

    /** Gogo: {@code mailer:queue [retry ID | retry --all-dead | purge ID]}. */
    public int queue(String... args) {
        return apply(args);
    }

    @Override
    int run(String[] args, PrintStream out, PrintStream err)
            throws UsageException, ServiceWaiter.UnavailableException, InterruptedException {
        QueueArguments arguments = QueueArguments.parse(args);
        if (arguments.isHelp()) {
            out.println(Usage.TEXT);
            return ExitCodes.OK;
        }
        try (ServiceWaiter services = new ServiceWaiter(context)) {
            Outbox outbox = services.mailService(Outbox.class);
            switch (arguments.getAction()) {
                case RETRY:
                    return retry(outbox, arguments, out, err);
                case PURGE:
                    return done(outbox.purge(arguments.getId()), "purged " + arguments.getId() + ": it will not be delivered",
                            arguments.getId(), out, err);
                default:
                    return list(outbox.snapshot(), out, err);
            }
        }
    }

    private static int list(OutboxSnapshot snapshot, PrintStream out, PrintStream err) {
        OutboxText.printList(snapshot, out);
        if (snapshot.getDeadCount() == 0) {
            return ExitCodes.OK;
        }
        out.flush();
        err.println("mailer: the outbox holds " + snapshot.getDeadCount() + " dead letter(s): " + OutboxText.deadLetterAdvice("ID")
                + " (or `queue retry --all-dead`)");
        return ExitCodes.DEAD_LETTERS;
    }

    private static int retry(Outbox outbox, QueueArguments arguments, PrintStream out, PrintStream err) {
        if (arguments.isAllDead()) {
            out.println(outbox.retryAllDead() + " dead letter(s) due again now");
            return ExitCodes.OK;
        }
        return done(outbox.retry(arguments.getId()), arguments.getId() + " is due now: this run starts its delivery, `serve` goes on with it",
                arguments.getId(), out, err);
    }

    private static int done(boolean done, String what, String id, PrintStream out, PrintStream err) {
        if (done) {
            out.println(what);
            return ExitCodes.OK;
        }
        err.println("mailer: no message " + id + " in the outbox (delivered or purged meanwhile; `queue` lists them), or it is being"
                + " delivered at this moment: try again once that attempt ended");
        return ExitCodes.PERMANENT_FAILURE;
    }
}
