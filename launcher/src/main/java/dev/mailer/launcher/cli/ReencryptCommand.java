package dev.mailer.launcher.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import dev.mailer.api.crypto.Reencryption;
import dev.mailer.api.crypto.ReencryptionReport;
import dev.mailer.commons.crypto.SecretCipher;
import dev.mailer.commons.crypto.SecretCiphers;
import dev.mailer.launcher.args.BareArguments;
import dev.mailer.launcher.args.CryptoKeys;
import dev.mailer.launcher.args.ExitCodes;
import dev.mailer.launcher.args.Usage;
import dev.mailer.launcher.args.UsageException;

/**
 * {@code mailer reencrypt}, inside the framework: writes everything stored again with the current
 * key (the Main outside made it and kept the old one as the previous key): the stored refresh
 * token and the outbox's messages through their {@link Reencryption} services, and the
 * {@code ENC(...)} values in the secrets folder and the configuration folder. Exits 0 only when
 * nothing is left under the previous key, which the Main then removes; else it names each item left
 * as it was. Not a Gogo command: a running container keeps the keys it started with.
 */
@Component(service = Function.class, property = CliCommand.COMMAND_PROPERTY + "=reencrypt")
public class ReencryptCommand extends CliCommand {

    /** What the mailer's bundles store, each re-encrypted by its own service. */
    static final List<String> STORED = List.of("refresh-token", "outbox");

    private static final String SECRETS_DIR_PROPERTY = "org.apache.felix.configadmin.plugin.interpolation.secretsdir";

    private final BundleContext context;

    @Activate
    public ReencryptCommand(BundleContext context) {
        this.context = context;
    }

    @Override
    int run(String[] args, PrintStream out, PrintStream err)
            throws UsageException, ServiceWaiter.UnavailableException, InterruptedException {
        if (BareArguments.parse(args).isHelp()) {
            out.println(Usage.TEXT);
            return ExitCodes.OK;
        }
        boolean rotating = context.getProperty(CryptoKeys.PREVIOUS_KEY_PROPERTY) != null;
        List<String> failures = new ArrayList<>();
        try (ServiceWaiter services = new ServiceWaiter(context)) {
            for (String stored : STORED) {
                ReencryptionReport report = services.reencryption(stored, rotating).reencrypt();
                out.println(report.getStored() + ": " + report.getReencrypted() + " re-encrypted");
                failures.addAll(report.getFailures());
            }
            SecretCipher cipher = SecretCiphers.of(context, Map.of(), services.cryptoService(SecretCiphers.DEFAULT_TARGET),
                    rotating ? services.cryptoService(SecretCiphers.DEFAULT_PREVIOUS_TARGET) : null);
            EncryptedValueFiles values = new EncryptedValueFiles(cipher);
            values.reencrypt(folder(SECRETS_DIR_PROPERTY));
            values.reencrypt(folder(ServiceWaiter.CONFIG_DIR_PROPERTY));
            out.println("ENC(...) values: " + values.rewritten().size() + " file(s) re-encrypted"
                    + (values.rewritten().isEmpty() ? "" : ": " + values.rewritten()));
            failures.addAll(values.failures());
        }
        out.flush();
        failures.forEach(failure -> err.println("mailer: " + failure));
        return failures.isEmpty() ? ExitCodes.OK : ExitCodes.PERMANENT_FAILURE;
    }

    private Path folder(String property) {
        String value = context.getProperty(property);
        return value == null ? null : Path.of(value);
    }
}
