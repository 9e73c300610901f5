package dev.mailer.launcher.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import dev.mailer.api.check.ConnectionCheck;
import dev.mailer.launcher.args.ExitCodes;
import dev.mailer.launcher.args.TrustArguments;
import dev.mailer.launcher.args.Usage;
import dev.mailer.launcher.args.UsageException;

/**
 * {@code mailer trust --save FILE [--yes]}: connects to the configured server as {@code check}
 * does, prints the chain it presents with SHA-256 fingerprints, and after the operator's yes (or
 * {@code --yes}) writes the chain's top certificate (the issuing CA, or the self-signed server
 * certificate) as PEM, for SMTP_TRUSTSTORE_PATH with SMTP_TRUSTSTORE_TYPE=PEM. Nothing is trusted
 * by looking: the operator compares the fingerprint with one obtained another way.
 */
@Component(service = Function.class, property = { CliCommand.COMMAND_PROPERTY + "=trust", CliCommand.GOGO_SCOPE,
        "osgi.command.function=trust" })
public class TrustCommand extends CliCommand {

    private final BundleContext context;

    @Activate
    public TrustCommand(BundleContext context) {
        this.context = context;
    }

    /** Gogo: {@code mailer:trust --save FILE [--yes]}. */
    public int trust(String... args) {
        return apply(args);
    }

    @Override
    int run(String[] args, PrintStream out, PrintStream err)
            throws UsageException, ServiceWaiter.UnavailableException, InterruptedException {
        TrustArguments arguments = TrustArguments.parse(args);
        if (arguments.isHelp()) {
            out.println(Usage.TEXT);
            return ExitCodes.OK;
        }
        List<X509Certificate> chain;
        try (ServiceWaiter services = new ServiceWaiter(context)) {
            chain = services.mailService(ConnectionCheck.class).presentedChain();
        } catch (IOException e) {
            err.println("mailer: no certificate to save: " + e.getMessage());
            return ExitCodes.PERMANENT_FAILURE;
        }
        for (int i = 0; i < chain.size(); i++) {
            print(i + 1, chain.get(i), out);
        }
        X509Certificate top = chain.get(chain.size() - 1);
        Path file = Path.of(arguments.getSave());
        String what = chain.size() == 1 ? "the server's own (self-signed) certificate" : "the issuing CA "
                + top.getSubjectX500Principal().getName();
        if (!arguments.isYes()) {
            out.print("Save " + what + " (certificate " + chain.size() + ", SHA-256 " + fingerprint(top) + ") to " + file
                    + "? [y/N] ");
            out.flush();
            if (!yes()) {
                out.println("Nothing saved.");
                return ExitCodes.PERMANENT_FAILURE;
            }
        }
        try {
            Files.writeString(file, pem(top), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            err.println("mailer: cannot write " + file + ": " + e.getMessage());
            return ExitCodes.PERMANENT_FAILURE;
        }
        out.println("Saved " + what + " to " + file + ". Use it with SMTP_TRUSTSTORE_PATH=" + file.toAbsolutePath()
                + " SMTP_TRUSTSTORE_TYPE=PEM.");
        return ExitCodes.OK;
    }

    /** One line of stdin: y or yes (any case) is a yes; anything else, or nothing, a no. */
    private static boolean yes() {
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            String answer = line == null ? "" : line.strip().toLowerCase(Locale.ROOT);
            return answer.equals("y") || answer.equals("yes");
        } catch (IOException e) {
            return false;
        }
    }

    private static void print(int number, X509Certificate c, PrintStream out) {
        out.println("certificate " + number + ":");
        out.println("  subject     " + c.getSubjectX500Principal().getName());
        out.println("  issuer      " + c.getIssuerX500Principal().getName());
        out.println("  valid       " + c.getNotBefore().toInstant() + " to " + c.getNotAfter().toInstant());
        out.println("  SHA-256     " + fingerprint(c));
    }

    static String fingerprint(X509Certificate c) {
        try {
            StringBuilder hex = new StringBuilder();
            for (byte b : MessageDigest.getInstance("SHA-256").digest(c.getEncoded())) {
                hex.append(hex.length() == 0 ? "" : ":").append(String.format(Locale.ROOT, "%02X", b));
            }
            return hex.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot hash with SHA-256 or encode " + c.getType(), e);
        }
    }

    static String pem(X509Certificate c) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(c.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode " + c.getType(), e);
        }
    }
}
