package dev.mailer.launcher.cli;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

    /** Far more than any password or token: a file piped in by mistake is refused, not encrypted. */
    static final int MAX_CHARS = 64 * 1024;

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
        String value = read(System.console(), System.in);
        try (ServiceWaiter services = new ServiceWaiter(context)) {
            out.println(EncryptedValues.wrap(SecretCiphers.of(context, Map.of(), services.cryptoService(SecretCiphers.DEFAULT_TARGET),
                    null).encrypt(value)));
            return ExitCodes.OK;
        } catch (CipherException e) {
            err.println("mailer: the value " + e.getMessage());
            return ExitCodes.PERMANENT_FAILURE;
        }
    }

    /** The secret: asked without echo at a terminal, else all of stdin without its final line break. */
    static String read(Console console, InputStream in) throws UsageException {
        String value;
        if (console != null) {
            char[] typed = console.readPassword("Value to encrypt (not shown): ");
            value = typed == null ? "" : new String(typed);
        } else {
            try {
                byte[] bytes = in.readNBytes(MAX_CHARS * 4 + 1);
                value = new String(bytes, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UsageException("encrypt cannot read stdin: " + e.getMessage());
            }
        }
        value = value.endsWith("\r\n") ? value.substring(0, value.length() - 2)
                : value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
        if (value.isEmpty()) {
            throw new UsageException("encrypt reads the value to encrypt from stdin, and there was none; e.g."
                    + " printf %s 'the-secret' | java -jar mailer.jar encrypt");
        }
        if (value.length() > MAX_CHARS) {
            throw new UsageException("encrypt takes one secret of at most " + MAX_CHARS + " characters from stdin");
        }
        return value;
    }
}
