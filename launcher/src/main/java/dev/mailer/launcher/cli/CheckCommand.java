package dev.mailer.launcher.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import dev.mailer.api.check.CheckReport;
import dev.mailer.api.check.CheckStep;
import dev.mailer.api.check.ConnectionCheck;
import dev.mailer.api.check.SelfCheck;
import dev.mailer.launcher.args.CheckArguments;
import dev.mailer.launcher.args.ExitCodes;
import dev.mailer.launcher.args.Usage;
import dev.mailer.launcher.args.UsageException;

/**
 * {@code mailer check}: runs the mail service's {@link ConnectionCheck}, then the {@link SelfCheck} of each
 * configured local service (the SMTP relay), and prints every step as PASS/WARN/FAIL with its details
 * and fix; the first failing step again on stderr, exit code 1.
 */
@Component(service = Function.class, property = { CliCommand.COMMAND_PROPERTY + "=check", CliCommand.GOGO_SCOPE,
        "osgi.command.function=check" })
public class CheckCommand extends CliCommand {

    private final BundleContext context;

    @Activate
    public CheckCommand(BundleContext context) {
        this.context = context;
    }

    /** Gogo: {@code mailer:check [--send-to ADDR]}. */
    public int check(String... args) {
        return apply(args);
    }

    @Override
    int run(String[] args, PrintStream out, PrintStream err)
            throws UsageException, ServiceWaiter.UnavailableException, InterruptedException {
        CheckArguments arguments = CheckArguments.parse(args);
        if (arguments.isHelp()) {
            out.println(Usage.TEXT);
            return ExitCodes.OK;
        }
        List<CheckStep> steps = new ArrayList<>();
        CheckStep failed;
        try (ServiceWaiter services = new ServiceWaiter(context)) {
            CheckReport report = services.mailService(ConnectionCheck.class).run(arguments.getSendTo());
            steps.addAll(report.getSteps());
            failed = report.getFailure().orElse(null);
            for (SelfCheck check : services.selfChecks()) {
                CheckStep step = check.check();
                steps.add(step);
                if (failed == null && step.getOutcome() == CheckStep.Outcome.FAIL) {
                    failed = step;
                }
            }
        }
        for (CheckStep step : steps) {
            print(step, out);
        }
        out.flush();
        if (failed != null) {
            err.println("mailer: check failed at step " + failed.getName() + ": " + failed.getSummary());
            if (failed.getFix() != null) {
                err.println("mailer: fix: " + failed.getFix());
            }
            return ExitCodes.PERMANENT_FAILURE;
        }
        out.println(arguments.getSendTo() == null
                ? "All checks passed. Nothing was sent; add --send-to ADDR to send a test message as well."
                : "All checks passed, and the test message was accepted for " + arguments.getSendTo() + ".");
        return ExitCodes.OK;
    }

    /** {@code PASS tls           TLSv1.3 ...}, then indented details and the fix. */
    static void print(CheckStep step, PrintStream out) {
        out.printf(Locale.ROOT, "%-7s %-13s %s%n", step.getOutcome(), step.getName(), step.getSummary());
        for (String detail : step.getDetails()) {
            out.println("                      " + detail);
        }
        if (step.getFix() != null) {
            out.println("                      fix: " + step.getFix());
        }
    }
}
