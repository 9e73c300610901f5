package dev.mailer.launcher.cli;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import dev.mailer.api.outbox.Outbox;
import dev.mailer.launcher.args.ExitCodes;
import dev.mailer.launcher.args.ServeArguments;
import dev.mailer.launcher.args.Usage;
import dev.mailer.launcher.args.UsageException;

/**
 * {@code mailer serve}: waits for the mail service, says what the outbox holds, and then returns
 * only when the framework stops (Ctrl-C or SIGTERM run the launcher's shutdown hook, which stops
 * it). The delivering is the mail service's own: its outbox worker starts with it and logs each
 * delivery, retry and dead letter; stopping lets deliveries in flight finish within
 * {@code outbox.shutdown.timeout} and leaves the rest queued. Not a Gogo command: the shell is a
 * running container already.
 */
@Component(service = Function.class, property = CliCommand.COMMAND_PROPERTY + "=serve")
public class ServeCommand extends CliCommand {

    private final BundleContext context;
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Activate
    public ServeCommand(BundleContext context) {
        this.context = context;
    }

    @Deactivate
    void deactivate() {
        stopped.countDown();
    }

    @Override
    int run(String[] args, PrintStream out, PrintStream err)
            throws UsageException, ServiceWaiter.UnavailableException, InterruptedException {
        ServeArguments arguments = ServeArguments.parse(args);
        if (arguments.isHelp()) {
            out.println(Usage.TEXT);
            return ExitCodes.OK;
        }
        try (ServiceWaiter services = new ServiceWaiter(context)) {
            Outbox outbox = services.mailService(Outbox.class);
            err.println("mailer: serving the outbox: " + OutboxText.counts(outbox.snapshot())
                    + "; Ctrl-C or SIGTERM stops: deliveries in flight finish, the rest stays queued");
            err.flush();
        }
        stopped.await();
        return ExitCodes.OK;
    }
}
