package dev.mailer.launcher.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import dev.mailer.api.MailException;
import dev.mailer.api.oauth.AuthorizationRequest;
import dev.mailer.api.oauth.DeviceAuthorization;
import dev.mailer.api.oauth.OAuthTokenManager;
import dev.mailer.api.oauth.TokenStatus;
import dev.mailer.launcher.args.AuthorizeArguments;
import dev.mailer.launcher.args.ExitCodes;
import dev.mailer.launcher.args.Usage;
import dev.mailer.launcher.args.UsageException;

/**
 * {@code mailer authorize}: the mailbox owner signs in once and the provider's refresh token is
 * stored by the token provider, replacing the curl/Postman dance. Authorization code with PKCE
 * through a loopback listener at the redirect URI, or the device-code flow with {@code --device}.
 */
@Component(service = Function.class, property = { CliCommand.COMMAND_PROPERTY + "=authorize", CliCommand.GOGO_SCOPE,
        "osgi.command.function=authorize" })
public class AuthorizeCommand extends CliCommand {

    private final BundleContext context;

    @Activate
    public AuthorizeCommand(BundleContext context) {
        this.context = context;
    }

    /** Gogo: {@code mailer:authorize [--device] [--redirect-uri URL] [--timeout SECONDS]}. */
    public int authorize(String... args) {
        return apply(args);
    }

    @Override
    int run(String[] args, PrintStream out, PrintStream err)
            throws UsageException, MailException, ServiceWaiter.UnavailableException, InterruptedException {
        AuthorizeArguments arguments = AuthorizeArguments.parse(args);
        if (arguments.isHelp()) {
            out.println(Usage.TEXT);
            return ExitCodes.OK;
        }
        try (ServiceWaiter services = new ServiceWaiter(context)) {
            OAuthTokenManager manager = services.tokenProvider(OAuthTokenManager.class);
            TokenStatus status = arguments.isDevice() ? device(manager, arguments, out) : authorizationCode(manager, arguments, out);
            if (status == null) {
                err.println("mailer: the sign-in did not complete in time; nothing was stored. Run authorize again.");
                return ExitCodes.PERMANENT_FAILURE;
            }
            out.println("Signed in. The refresh token is stored by the token provider; send, check and token use it from now on.");
            TokenStatusText.print(status, Instant.now(), out);
            return ExitCodes.OK;
        }
    }

    private static TokenStatus authorizationCode(OAuthTokenManager manager, AuthorizeArguments arguments, PrintStream out)
            throws UsageException, MailException, InterruptedException {
        AuthorizationRequest request = manager.beginAuthorization(arguments.getRedirectUri());
        try (LoopbackCallbackListener listener = LoopbackCallbackListener.open(request.getRedirectUri())) {
            out.println("Open this URL in a browser and sign in as the mailbox that sends:");
            out.println();
            out.println("  " + request.getAuthorizationUrl());
            out.println();
            out.println("Waiting for the provider to redirect to " + request.getRedirectUri() + " (until "
                    + deadline(request.getExpiresAt(), arguments) + ") ...");
            out.flush();
            CompletedAuthorization completed = new CompletedAuthorization();
            LoopbackCallbackListener.Page page = listener.await(request.getState(), deadline(request.getExpiresAt(), arguments),
                    parameters -> {
                        try {
                            completed.status = manager.completeAuthorization(parameters);
                            return new LoopbackCallbackListener.Page(true,
                                    "Signed in. The mailer stored the refresh token; you can close this window.");
                        } catch (MailException e) {
                            completed.failure = e;
                            return new LoopbackCallbackListener.Page(false, "The sign-in failed: " + e.getMessage());
                        }
                    });
            if (completed.failure != null) {
                throw completed.failure;
            }
            return page == null ? null : completed.status;
        } catch (IOException e) {
            throw new UsageException("the listener at " + request.getRedirectUri() + " failed: " + e);
        }
    }

    private static TokenStatus device(OAuthTokenManager manager, AuthorizeArguments arguments, PrintStream out)
            throws MailException, InterruptedException {
        DeviceAuthorization authorization = manager.beginDeviceAuthorization();
        out.println("On any device, open " + authorization.getVerificationUri() + " and enter the code " + authorization.getUserCode());
        if (authorization.getVerificationUriComplete() != null) {
            out.println("(or open " + authorization.getVerificationUriComplete() + ")");
        }
        out.println("then sign in as the mailbox that sends. Waiting until " + deadline(authorization.getExpiresAt(), arguments) + " ...");
        out.flush();
        if (arguments.getTimeout() == null) {
            return manager.completeDeviceAuthorization(authorization);
        }
        // the provider polls until its code expires; a shorter --timeout interrupts the polling
        ExecutorService poller = Executors.newSingleThreadExecutor(r -> new Thread(r, "mailer-authorize-device"));
        try {
            Future<TokenStatus> result = poller.submit(() -> manager.completeDeviceAuthorization(authorization));
            try {
                return result.get(arguments.getTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                result.cancel(true);
                return null;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof MailException) {
                    throw (MailException) e.getCause();
                }
                throw new IllegalStateException("the device-code polling failed", e.getCause());
            }
        } finally {
            poller.shutdownNow();
        }
    }

    private static Instant deadline(Instant expiresAt, AuthorizeArguments arguments) {
        if (arguments.getTimeout() == null) {
            return expiresAt;
        }
        Instant byTimeout = Instant.now().plus(arguments.getTimeout());
        return byTimeout.isBefore(expiresAt) ? byTimeout : expiresAt;
    }

    /** The outcome of the callback, set on the listening thread. */
    private static final class CompletedAuthorization {
        TokenStatus status;
        MailException failure;
    }
}
