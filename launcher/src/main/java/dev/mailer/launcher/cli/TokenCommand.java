package dev.mailer.launcher.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import dev.mailer.api.MailException;
import dev.mailer.api.OAuthConfigurationProvider;
import dev.mailer.api.oauth.OAuthTokenManager;
import dev.mailer.launcher.args.ExitCodes;
import dev.mailer.launcher.args.TokenArguments;
import dev.mailer.launcher.args.Usage;
import dev.mailer.launcher.args.UsageException;

/**
 * {@code mailer token}: obtains an access token as sending would (cached, renewed, rotated refresh
 * token stored) and prints its status. The token itself only with {@code --print}, and then
 * nothing else on stdout, so that {@code passwordeval} tools can read it.
 */
@Component(service = Function.class, property = { CliCommand.COMMAND_PROPERTY + "=token", CliCommand.GOGO_SCOPE,
        "osgi.command.function=token" })
public class TokenCommand extends CliCommand {

    private final BundleContext context;

    @Activate
    public TokenCommand(BundleContext context) {
        this.context = context;
    }

    /** Gogo: {@code mailer:token [--print]}. */
    public int token(String... args) {
        return apply(args);
    }

    @Override
    int run(String[] args, PrintStream out, PrintStream err)
            throws UsageException, MailException, ServiceWaiter.UnavailableException, InterruptedException {
        TokenArguments arguments = TokenArguments.parse(args);
        if (arguments.isHelp()) {
            out.println(Usage.TEXT);
            return ExitCodes.OK;
        }
        try (ServiceWaiter services = new ServiceWaiter(context)) {
            OAuthConfigurationProvider provider = services.tokenProvider(OAuthConfigurationProvider.class);
            if (arguments.isPrint()) {
                out.println(provider.getAccessToken());
                return ExitCodes.OK;
            }
            OAuthTokenManager manager = services.tokenProvider(OAuthTokenManager.class);
            try {
                provider.getAccessToken();
            } finally {
                // also after a failure: the status shows the last error next to what still works
                TokenStatusText.print(manager.getStatus(), Instant.now(), out);
                out.flush();
            }
            return ExitCodes.OK;
        }
    }
}
