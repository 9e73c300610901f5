package dev.mailer.launcher.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import dev.mailer.commons.crypto.CipherException;
import dev.mailer.commons.crypto.EncryptedValues;
import dev.mailer.commons.crypto.SecretCiphers;
import dev.mailer.launcher.args.EncryptArguments;
import dev.mailer.launcher.args.ExitCodes;
import dev.mailer.launcher.args.Usage;
import dev.mailer.launcher.args.UsageException;

/**
 * {@code mailer encrypt}: reads one secret from stdin and prints it as {@code ENC(...)}, encrypted
 * with the CryptoService {@code names=mailer}, for smtp.password, clientSecret or refreshToken. At
 * a terminal it asks without echo; piped, it takes everything up to the end (a final line break
 * dropped). The secret itself is never printed.
 */
@Component(service = Function.class, property = { CliCommand.COMMAND_PROPERTY + "=encrypt", CliCommand.GOGO_SCOPE,
        "osgi.command.function=encrypt" })
public class EncryptCommand extends CliCommand {

    private final BundleContext context;

    @Activate
    public EncryptCommand(BundleContext context) {
        this.context = context;
    }

    /** Gogo: {@code mailer:encrypt}. */
    public int encrypt(String... args) {
        return apply(args);
    }

    @Override
    int run(String[] args, PrintStream out, PrintStream err)
            throws UsageException, ServiceWaiter.UnavailableException, InterruptedException {
        if (EncryptArguments.parse(args).isHelp()) {
            out.println(Usage.TEXT);
            return ExitCodes.OK;
        }
        String value = SecretInput.read(System.console(), System.in, "Value to encrypt (not shown): ", "encrypt",
                "printf %s 'the-secret' | java -jar mailer.jar encrypt");
        try (ServiceWaiter services = new ServiceWaiter(context)) {
            out.println(EncryptedValues.wrap(SecretCiphers.of(context, Map.of(), services.cryptoService(SecretCiphers.DEFAULT_TARGET),
                    null).encrypt(value)));
            return ExitCodes.OK;
        } catch (CipherException e) {
            err.println("mailer: the value " + e.getMessage());
            return ExitCodes.PERMANENT_FAILURE;
        }
    }
}
